// A small Node.js function (ES module, async handler): greets, and reports what
// Lambda's context says about the environment it runs in.
export const handler = async (event, context) => {
  const name = event?.name ?? "world";
  console.log(`greeting ${name}`);
  return {
    statusCode: 200,
    body: `Hello, ${name}!`,
    functionName: context.functionName,
    memoryLimitInMB: Number(context.memoryLimitInMB),
    remainingTimeInMillis: context.getRemainingTimeInMillis(),
    requestId: context.awsRequestId,
    node: process.version,
  };
};
