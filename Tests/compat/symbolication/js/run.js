// Loads a script bundle and prints the V8 stack of what runApp throws.
require(process.argv[2]);
try { globalThis.runApp(); } catch (error) { console.log(error.stack); }
