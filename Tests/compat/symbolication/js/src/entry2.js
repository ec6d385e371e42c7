import { center } from "./pad.js";
import { main } from "./app.js";
globalThis.banner = center("faultline", 20);
globalThis.runApp = main;
