// danfojs-node 1.2 requires '@tensorflow/tfjs-node'; package.json's overrides point it here so that the
// native package (which downloads libtensorflow at install) is not forced on everyone.
module.exports = require("@tensorflow/tfjs");
