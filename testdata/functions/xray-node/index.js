// A handler with two subsegments, one waiting and one computing, recorded by
// AWS's X-Ray SDK for Node.js (installed here by scripts/install-deps).
const AWSXRay = require("aws-xray-sdk-core");

function burn(rounds) {
  let x = 0;
  for (let i = 0; i < rounds; i++) x += i * i;
  return x;
}

exports.handler = async (event) => {
  const segment = AWSXRay.getSegment();
  const wait = segment.addNewSubsegment("wait");
  await new Promise((resolve) => setTimeout(resolve, event.sleep_ms ?? 50));
  wait.close();
  const compute = segment.addNewSubsegment("compute");
  burn(event.rounds ?? 1000000);
  compute.close();
  return { trace: process.env._X_AMZN_TRACE_ID, daemon: process.env.AWS_XRAY_DAEMON_ADDRESS };
};
