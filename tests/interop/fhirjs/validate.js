// Validate FHIR R4 resources with FHIR.js (npm `fhir`): structure and value-set codes.
// stdin: lines, each a JSON array of resources; stdout: for each line, one line holding a JSON
// array, per resource, of its error messages. One process serves a whole test run (starting
// node and loading FHIR.js takes half a second).
"use strict";
const readline = require("readline");
const { Fhir } = require("fhir");

const fhir = new Fhir();
const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const results = JSON.parse(line).map((resource) => {
    const outcome = fhir.validate(resource);
    return outcome.messages
      .filter((m) => m.severity === "error")
      .map((m) => `${m.location}: ${m.message}`);
  });
  process.stdout.write(JSON.stringify(results) + "\n");
});
