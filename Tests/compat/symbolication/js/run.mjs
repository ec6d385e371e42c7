// Imports an ES module entry and prints the V8 stack of what its main throws.
const entry = await import(process.argv[2]);
try { entry.main(); } catch (error) { console.log(error.stack); }
