globalThis.checkedParse = function checkedParse(text) {
  if (text.indexOf("=") < 0) {
    throw new TypeError("no separator in " + text);
  }
  return text.split("=");
};
