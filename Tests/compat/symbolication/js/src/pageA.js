import { loadSettings } from "./app.js";
export function main() {
  return loadSettings(["a=1", "pageA-broken"]);
}
