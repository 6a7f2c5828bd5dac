// What Lambda's nodejs runtimes start: AWS's runtime interface client running the
// handler named by _HANDLER from the code in LAMBDA_TASK_ROOT (the working directory,
// as in Lambda). aws-lambda-ric resolves from ./node_modules (scripts/install-deps).
import { run } from "aws-lambda-ric";

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const handler = process.env._HANDLER;
if (!taskRoot || !handler) {
  console.error("sweetspot node runtime: LAMBDA_TASK_ROOT and _HANDLER must be set; " +
                "this program is started by a Lambda execution environment (e.g. `sweetspot invoke`)");
  process.exit(2);
}
process.chdir(taskRoot);
await run(taskRoot, handler);
