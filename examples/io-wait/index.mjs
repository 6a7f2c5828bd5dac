// An I/O-bound Node.js function: it calls a slow HTTP service and waits for the
// answer, as a function that fronts a database or a third-party API does. Its
// duration is mostly waiting, which more memory does not shorten, so every MB
// above what it needs only adds to the bill.
export const handler = async (event) => {
  const url = process.env.SLOW_URL;
  if (!url) throw new Error("SLOW_URL is not set: run examples/io-wait/run, which starts the slow service");
  const delay = Number(event?.delayMs ?? 200);
  const started = Date.now();
  const response = await fetch(`${url}/?delay_ms=${delay}`);
  const body = await response.json();
  return { statusCode: 200, waitedMs: Date.now() - started, service: body };
};
