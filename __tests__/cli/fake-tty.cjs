// Preloaded (NODE_OPTIONS=--require) into a CLI started by a test: its stdout claims to be a
// 120-column terminal, so the bundled CLI takes the live-view path while the test reads a pipe.
Object.defineProperty(process.stdout, "isTTY", { value: true });
Object.defineProperty(process.stdout, "columns", { value: 120 });
