import { main } from "./app.js";
globalThis.runApp = main;
