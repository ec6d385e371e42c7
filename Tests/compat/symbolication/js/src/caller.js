function collect(lines) {
  return lines.map((line) => globalThis.checkedParse(line));
}
globalThis.runApp = function runApp() {
  return collect(["x=1", "y"]);
};
