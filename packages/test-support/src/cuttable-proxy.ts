// A TCP proxy on 127.0.0.1 in front of a server (PostgreSQL) that a test can cut and restore: every connection
// dropped and new ones refused, as if the database went away, then back on the same port.
import { connect, createServer, type Server, type Socket } from "node:net";

export class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** The port it listens on (after `listen`), the same after `restore`. */
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(port = 0): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** The server "goes away": every connection drops and new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** It comes back on the same port. */
  restore(): Promise<void> {
    return this.listen(this.port);
  }
}
