// Only here to make a second build's minified names differ from the first's.
export function padLeft(text, width) { return text.length >= width ? text : " ".repeat(width - text.length) + text; }
export function padRight(text, width) { return text.length >= width ? text : text + " ".repeat(width - text.length); }
export function center(text, width) { return padRight(padLeft(text, (width + text.length) >> 1), width); }
