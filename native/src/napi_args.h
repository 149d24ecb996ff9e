// N-API argument helpers shared by rnn.cc and norm.cc: Float32Array arguments checked by length with an error
// that names the argument, new Float32Arrays for results (or the caller's own, see outFloats), and NCHECK for calls
// that must succeed.
#pragma once
#include <node_api.h>

#include <string>

#define NCHECK(call)                                                              \
  do {                                                                            \
    if ((call) != napi_ok) {                                                      \
      napi_throw_error(env, nullptr, "rnnlab_native: N-API call failed: " #call); \
      return nullptr;                                                             \
    }                                                                             \
  } while (0)

// A Float32Array argument; its length is returned, or it must be `expected` when that is not 0.
// How an error names a value that is not a Float32Array: "an Int32Array", "a number", ...
inline std::string typeName(napi_env env, napi_value v, bool isTyped, napi_typedarray_type type) {
  if (isTyped) {
    static const char* const names[] = {"an Int8Array", "a Uint8Array", "a Uint8ClampedArray", "an Int16Array", "a Uint16Array", "an Int32Array",
                                        "a Uint32Array", "a Float32Array", "a Float64Array", "a BigInt64Array", "a BigUint64Array"};
    return type >= 0 && type < (int)(sizeof names / sizeof *names) ? names[type] : "a typed array";
  }
  napi_valuetype t = napi_undefined;
  napi_typeof(env, v, &t);
  static const char* const kinds[] = {"undefined", "null", "a boolean", "a number", "a string", "a symbol", "an object", "a function", "an external", "a bigint"};
  return t >= 0 && t < (int)(sizeof kinds / sizeof *kinds) ? kinds[t] : "something else";
}

inline bool floatArg(napi_env env, napi_value v, size_t expected, const char* what, float** data, size_t* length) {
  bool isTyped = false;
  napi_is_typedarray(env, v, &isTyped);
  napi_typedarray_type type = napi_int8_array;
  size_t n = 0;
  void* ptr = nullptr;
  if (isTyped) napi_get_typedarray_info(env, v, &type, &n, &ptr, nullptr, nullptr);
  if (!isTyped || type != napi_float32_array || (expected && n != expected)) {
    std::string msg = std::string("rnnlab_native: ") + what + " must be a Float32Array" +
                      (expected ? " of " + std::to_string(expected) + " floats" : "") +
                      (isTyped && type == napi_float32_array ? ", got " + std::to_string(n) : ", got " + typeName(env, v, isTyped, type));
    napi_throw_type_error(env, nullptr, msg.c_str());
    return false;
  }
  *data = static_cast<float*>(ptr);
  if (length) *length = n;
  return true;
}

inline napi_value newFloats(napi_env env, size_t n, float** data) {
  napi_value ab, ta;
  void* ptr = nullptr;
  if (napi_create_arraybuffer(env, n * sizeof(float), &ptr, &ab) != napi_ok) return nullptr;
  if (napi_create_typedarray(env, napi_float32_array, n, ab, 0, &ta) != napi_ok) return nullptr;
  *data = static_cast<float*>(ptr);
  return ta;
}

// A result of n floats: in the caller's Float32Array when argument `index` is one (lib/src/fast/layers.ts passes views of
// tensors it allocated on the wasm heap, so that the result needs no copy into a tensor), else a new Float32Array.
// Returns the array, or nullptr with an exception pending.
inline napi_value outFloats(napi_env env, const napi_value* argv, size_t argc, size_t index, size_t n, const char* what,
                            float** data) {
  if (index < argc) {
    napi_valuetype type;
    if (napi_typeof(env, argv[index], &type) != napi_ok) return nullptr;
    if (type != napi_null && type != napi_undefined) return floatArg(env, argv[index], n, what, data, nullptr) ? argv[index] : nullptr;
  }
  napi_value v = newFloats(env, n, data);
  if (!v) napi_throw_error(env, nullptr, "rnnlab_native: out of memory");
  return v;
}
