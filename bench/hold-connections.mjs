// Opens N keep-alive connections to HOST:PORT, each sending one request for "/"
// and then staying open and idle, until stdin closes or the process is killed.
// Used to measure latency while the server holds many open connections.
import net from "node:net";

const [host, port, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const sockets = [];
let open = 0;
for (let i = 0; i < count; i++) {
  const socket = net.connect(port, host, () => {
    open++;
    socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
    if (open === count) console.log(`open ${open}`);
  });
  socket.on("data", () => {});
  socket.on("error", () => {});
  sockets.push(socket);
}
setTimeout(() => process.exit(0), 120000); // never outlives a benchmark
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
