// Whether a TCP server answers at host:port: how a test finds a local server (PostgreSQL at 127.0.0.1:5432) without
// a client library, before applying the skip-or-fail rule to it.
import { connect } from "node:net";

/** True when a TCP connection to `host:port` opens within `timeoutMs`; never throws. */
export function reachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
