// Validate FHIR R4 resources with FHIR.js (npm `fhir`): structure and value-set codes.
// stdin: a JSON array of resources; stdout: a JSON array, per resource, of its error messages.
"use strict";
const { Fhir } = require("fhir");

const fhir = new Fhir();
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((resource) => {
    const outcome = fhir.validate(resource);
    return outcome.messages
      .filter((m) => m.severity === "error")
      .map((m) => `${m.location}: ${m.message}`);
  });
  process.stdout.write(JSON.stringify(results));
});
