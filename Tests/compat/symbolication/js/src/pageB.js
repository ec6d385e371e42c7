import { parseConfig } from "./util.js";
export function main() {
  return parseConfig("b=2");
}
