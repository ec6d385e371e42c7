import { parseConfig } from "./util.js";

export function loadSettings(lines) {
  const settings = {};
  for (const line of lines) {
    const entry = parseConfig(line);
    settings[entry.key] = entry.value;
  }
  return settings;
}

export function main() {
  return loadSettings(["mode=fast", "broken"]);
}
