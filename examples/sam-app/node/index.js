// CommonJS, callback style: both still work in Lambda's nodejs runtimes.
exports.handler = (event, context, callback) => {
  callback(null, {
    message: `${process.env.GREETING} from ${process.env.LANGUAGE}`,
    stage: process.env.STAGE,
    function: context.functionName,
    memory: Number(context.memoryLimitInMB),
  });
};
