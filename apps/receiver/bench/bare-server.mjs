// The ceiling for the throughput benchmark: read the body, JSON.parse it, answer 202.
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 4101);
createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    if (request.url === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok","pending":0}');
      return;
    }
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      response
        .writeHead(202, { "content-type": "application/json" })
        .end('{"status":"accepted","deliveryKey":"bare","deliveryId":1}');
    } catch {
      response
        .writeHead(400, { "content-type": "application/problem+json" })
        .end('{"type":"about:blank","title":"Bad request","status":400,"code":"invalid_json"}');
    }
  });
}).listen(port, "127.0.0.1");
