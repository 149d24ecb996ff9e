#!/usr/bin/env node
// Runs first at `npm install` (preinstall) and in `npm run setup`: a Node.js older than package.json's engines.node
// stops here with one line that says which version is needed and where to get it, instead of a stack trace from
// some later step. Written for old Node versions too (no syntax newer than they parse).
"use strict";
var path = require("path");

var ENGINES = require(path.join(__dirname, "..", "..", "package.json")).engines.node; // ">=20"
var MINIMUM = Number(/(\d+)/.exec(ENGINES)[1]);

/** The line to print for a Node.js version ("v18.19.0") below the minimum, or null where it is new enough. */
function tooOld(version) {
  var major = Number(/^v?(\d+)/.exec(version)[1]);
  if (major >= MINIMUM) return null;
  return (
    "rnnlab needs Node.js " + MINIMUM + " or newer (package.json engines: " + ENGINES + "); this is Node.js " + version +
    ". Install the current LTS (https://nodejs.org, or nvm install --lts) and run npm install again."
  );
}

if (require.main === module) {
  var line = tooOld(process.version);
  if (line) {
    console.error(line);
    process.exit(1);
  }
}

module.exports = { tooOld: tooOld, MINIMUM: MINIMUM };
