// Parses "key=value" settings; throws on a line without "=".
export function parseConfig(text) {
  const parts = text.split("=");
  if (parts.length < 2) {
    throw new Error("bad config: " + text);
  }
  return { key: parts[0], value: parts[1] };
}
