var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/iota-array/iota.js
var require_iota = __commonJS({
  "node_modules/iota-array/iota.js"(exports, module) {
    "use strict";
    function iota(n2) {
      var result = new Array(n2);
      for (var i = 0; i < n2; ++i) {
        result[i] = i;
      }
      return result;
    }
    module.exports = iota;
  }
});

// node_modules/is-buffer/index.js
var require_is_buffer = __commonJS({
  "node_modules/is-buffer/index.js"(exports, module) {
    module.exports = function(obj) {
      return obj != null && (isBuffer(obj) || isSlowBuffer(obj) || !!obj._isBuffer);
    };
    function isBuffer(obj) {
      return !!obj.constructor && typeof obj.constructor.isBuffer === "function" && obj.constructor.isBuffer(obj);
    }
    function isSlowBuffer(obj) {
      return typeof obj.readFloatLE === "function" && typeof obj.slice === "function" && isBuffer(obj.slice(0, 0));
    }
  }
});

// node_modules/ndarray/ndarray.js
var require_ndarray = __commonJS({
  "node_modules/ndarray/ndarray.js"(exports, module) {
    var iota = require_iota();
    var isBuffer = require_is_buffer();
    var hasTypedArrays = typeof Float64Array !== "undefined";
    function compare1st(a, b) {
      return a[0] - b[0];
    }
    function order() {
      var stride = this.stride;
      var terms = new Array(stride.length);
      var i;
      for (i = 0; i < terms.length; ++i) {
        terms[i] = [Math.abs(stride[i]), i];
      }
      terms.sort(compare1st);
      var result = new Array(terms.length);
      for (i = 0; i < result.length; ++i) {
        result[i] = terms[i][1];
      }
      return result;
    }
    function compileConstructor(dtype, dimension) {
      var className = ["View", dimension, "d", dtype].join("");
      if (dimension < 0) {
        className = "View_Nil" + dtype;
      }
      var useGetters = dtype === "generic";
      if (dimension === -1) {
        var code = "function " + className + "(a){this.data=a;};var proto=" + className + ".prototype;proto.dtype='" + dtype + "';proto.index=function(){return -1};proto.size=0;proto.dimension=-1;proto.shape=proto.stride=proto.order=[];proto.lo=proto.hi=proto.transpose=proto.step=function(){return new " + className + "(this.data);};proto.get=proto.set=function(){};proto.pick=function(){return null};return function construct_" + className + "(a){return new " + className + "(a);}";
        var procedure = new Function(code);
        return procedure();
      } else if (dimension === 0) {
        var code = "function " + className + "(a,d) {this.data = a;this.offset = d};var proto=" + className + ".prototype;proto.dtype='" + dtype + "';proto.index=function(){return this.offset};proto.dimension=0;proto.size=1;proto.shape=proto.stride=proto.order=[];proto.lo=proto.hi=proto.transpose=proto.step=function " + className + "_copy() {return new " + className + "(this.data,this.offset)};proto.pick=function " + className + "_pick(){return TrivialArray(this.data);};proto.valueOf=proto.get=function " + className + "_get(){return " + (useGetters ? "this.data.get(this.offset)" : "this.data[this.offset]") + "};proto.set=function " + className + "_set(v){return " + (useGetters ? "this.data.set(this.offset,v)" : "this.data[this.offset]=v") + "};return function construct_" + className + "(a,b,c,d){return new " + className + "(a,d)}";
        var procedure = new Function("TrivialArray", code);
        return procedure(CACHED_CONSTRUCTORS[dtype][0]);
      }
      var code = ["'use strict'"];
      var indices = iota(dimension);
      var args = indices.map(function(i2) {
        return "i" + i2;
      });
      var index_str = "this.offset+" + indices.map(function(i2) {
        return "this.stride[" + i2 + "]*i" + i2;
      }).join("+");
      var shapeArg = indices.map(function(i2) {
        return "b" + i2;
      }).join(",");
      var strideArg = indices.map(function(i2) {
        return "c" + i2;
      }).join(",");
      code.push(
        "function " + className + "(a," + shapeArg + "," + strideArg + ",d){this.data=a",
        "this.shape=[" + shapeArg + "]",
        "this.stride=[" + strideArg + "]",
        "this.offset=d|0}",
        "var proto=" + className + ".prototype",
        "proto.dtype='" + dtype + "'",
        "proto.dimension=" + dimension
      );
      code.push(
        "Object.defineProperty(proto,'size',{get:function " + className + "_size(){return " + indices.map(function(i2) {
          return "this.shape[" + i2 + "]";
        }).join("*"),
        "}})"
      );
      if (dimension === 1) {
        code.push("proto.order=[0]");
      } else {
        code.push("Object.defineProperty(proto,'order',{get:");
        if (dimension < 4) {
          code.push("function " + className + "_order(){");
          if (dimension === 2) {
            code.push("return (Math.abs(this.stride[0])>Math.abs(this.stride[1]))?[1,0]:[0,1]}})");
          } else if (dimension === 3) {
            code.push(
              "var s0=Math.abs(this.stride[0]),s1=Math.abs(this.stride[1]),s2=Math.abs(this.stride[2]);if(s0>s1){if(s1>s2){return [2,1,0];}else if(s0>s2){return [1,2,0];}else{return [1,0,2];}}else if(s0>s2){return [2,0,1];}else if(s2>s1){return [0,1,2];}else{return [0,2,1];}}})"
            );
          }
        } else {
          code.push("ORDER})");
        }
      }
      code.push(
        "proto.set=function " + className + "_set(" + args.join(",") + ",v){"
      );
      if (useGetters) {
        code.push("return this.data.set(" + index_str + ",v)}");
      } else {
        code.push("return this.data[" + index_str + "]=v}");
      }
      code.push("proto.get=function " + className + "_get(" + args.join(",") + "){");
      if (useGetters) {
        code.push("return this.data.get(" + index_str + ")}");
      } else {
        code.push("return this.data[" + index_str + "]}");
      }
      code.push(
        "proto.index=function " + className + "_index(",
        args.join(),
        "){return " + index_str + "}"
      );
      code.push("proto.hi=function " + className + "_hi(" + args.join(",") + "){return new " + className + "(this.data," + indices.map(function(i2) {
        return ["(typeof i", i2, "!=='number'||i", i2, "<0)?this.shape[", i2, "]:i", i2, "|0"].join("");
      }).join(",") + "," + indices.map(function(i2) {
        return "this.stride[" + i2 + "]";
      }).join(",") + ",this.offset)}");
      var a_vars = indices.map(function(i2) {
        return "a" + i2 + "=this.shape[" + i2 + "]";
      });
      var c_vars = indices.map(function(i2) {
        return "c" + i2 + "=this.stride[" + i2 + "]";
      });
      code.push("proto.lo=function " + className + "_lo(" + args.join(",") + "){var b=this.offset,d=0," + a_vars.join(",") + "," + c_vars.join(","));
      for (var i = 0; i < dimension; ++i) {
        code.push(
          "if(typeof i" + i + "==='number'&&i" + i + ">=0){d=i" + i + "|0;b+=c" + i + "*d;a" + i + "-=d}"
        );
      }
      code.push("return new " + className + "(this.data," + indices.map(function(i2) {
        return "a" + i2;
      }).join(",") + "," + indices.map(function(i2) {
        return "c" + i2;
      }).join(",") + ",b)}");
      code.push("proto.step=function " + className + "_step(" + args.join(",") + "){var " + indices.map(function(i2) {
        return "a" + i2 + "=this.shape[" + i2 + "]";
      }).join(",") + "," + indices.map(function(i2) {
        return "b" + i2 + "=this.stride[" + i2 + "]";
      }).join(",") + ",c=this.offset,d=0,ceil=Math.ceil");
      for (var i = 0; i < dimension; ++i) {
        code.push(
          "if(typeof i" + i + "==='number'){d=i" + i + "|0;if(d<0){c+=b" + i + "*(a" + i + "-1);a" + i + "=ceil(-a" + i + "/d)}else{a" + i + "=ceil(a" + i + "/d)}b" + i + "*=d}"
        );
      }
      code.push("return new " + className + "(this.data," + indices.map(function(i2) {
        return "a" + i2;
      }).join(",") + "," + indices.map(function(i2) {
        return "b" + i2;
      }).join(",") + ",c)}");
      var tShape = new Array(dimension);
      var tStride = new Array(dimension);
      for (var i = 0; i < dimension; ++i) {
        tShape[i] = "a[i" + i + "]";
        tStride[i] = "b[i" + i + "]";
      }
      code.push(
        "proto.transpose=function " + className + "_transpose(" + args + "){" + args.map(function(n2, idx) {
          return n2 + "=(" + n2 + "===undefined?" + idx + ":" + n2 + "|0)";
        }).join(";"),
        "var a=this.shape,b=this.stride;return new " + className + "(this.data," + tShape.join(",") + "," + tStride.join(",") + ",this.offset)}"
      );
      code.push("proto.pick=function " + className + "_pick(" + args + "){var a=[],b=[],c=this.offset");
      for (var i = 0; i < dimension; ++i) {
        code.push("if(typeof i" + i + "==='number'&&i" + i + ">=0){c=(c+this.stride[" + i + "]*i" + i + ")|0}else{a.push(this.shape[" + i + "]);b.push(this.stride[" + i + "])}");
      }
      code.push("var ctor=CTOR_LIST[a.length+1];return ctor(this.data,a,b,c)}");
      code.push("return function construct_" + className + "(data,shape,stride,offset){return new " + className + "(data," + indices.map(function(i2) {
        return "shape[" + i2 + "]";
      }).join(",") + "," + indices.map(function(i2) {
        return "stride[" + i2 + "]";
      }).join(",") + ",offset)}");
      var procedure = new Function("CTOR_LIST", "ORDER", code.join("\n"));
      return procedure(CACHED_CONSTRUCTORS[dtype], order);
    }
    function arrayDType(data) {
      if (isBuffer(data)) {
        return "buffer";
      }
      if (hasTypedArrays) {
        switch (Object.prototype.toString.call(data)) {
          case "[object Float64Array]":
            return "float64";
          case "[object Float32Array]":
            return "float32";
          case "[object Float16Array]":
            return "float16";
          case "[object Int8Array]":
            return "int8";
          case "[object Int16Array]":
            return "int16";
          case "[object Int32Array]":
            return "int32";
          case "[object Uint8Array]":
            return "uint8";
          case "[object Uint16Array]":
            return "uint16";
          case "[object Uint32Array]":
            return "uint32";
          case "[object Uint8ClampedArray]":
            return "uint8_clamped";
          case "[object BigInt64Array]":
            return "bigint64";
          case "[object BigUint64Array]":
            return "biguint64";
        }
      }
      if (Array.isArray(data)) {
        return "array";
      }
      return "generic";
    }
    var CACHED_CONSTRUCTORS = {
      "float32": [],
      "float64": [],
      "float16": [],
      "int8": [],
      "int16": [],
      "int32": [],
      "uint8": [],
      "uint16": [],
      "uint32": [],
      "array": [],
      "uint8_clamped": [],
      "bigint64": [],
      "biguint64": [],
      "buffer": [],
      "generic": []
    };
    function wrappedNDArrayCtor(data, shape, stride, offset) {
      if (data === void 0) {
        var ctor = CACHED_CONSTRUCTORS.array[0];
        return ctor([]);
      } else if (typeof data === "number") {
        data = [data];
      }
      if (shape === void 0) {
        shape = [data.length];
      }
      var d = shape.length;
      if (stride === void 0) {
        stride = new Array(d);
        for (var i = d - 1, sz = 1; i >= 0; --i) {
          stride[i] = sz;
          sz *= shape[i];
        }
      }
      if (offset === void 0) {
        offset = 0;
        for (var i = 0; i < d; ++i) {
          if (stride[i] < 0) {
            offset -= (shape[i] - 1) * stride[i];
          }
        }
      }
      var dtype = arrayDType(data);
      var ctor_list = CACHED_CONSTRUCTORS[dtype];
      while (ctor_list.length <= d + 1) {
        ctor_list.push(compileConstructor(dtype, ctor_list.length - 1));
      }
      var ctor = ctor_list[d + 1];
      return ctor(data, shape, stride, offset);
    }
    module.exports = wrappedNDArrayCtor;
  }
});

// ../../tmp/calibout/out.mts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join as join7 } from "node:path";

// src/calibrun/dark-outputs.ts
import { promises as fsp2 } from "node:fs";
import * as os from "node:os";
import * as path5 from "node:path";

// src/io/ndarray.ts
var import_ndarray = __toESM(require_ndarray(), 1);

// src/io/dtype.ts
var DTYPE_SIZE = {
  int8: 1,
  uint8: 1,
  bool: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int64: 8,
  uint64: 8,
  float64: 8
};
var CTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array
};
function allocTyped(dtype, length) {
  return new CTORS[dtype](length);
}
function dtypeOf(data) {
  if (data instanceof Int8Array) return "int8";
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof Int16Array) return "int16";
  if (data instanceof Uint16Array) return "uint16";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint32Array) return "uint32";
  if (data instanceof BigInt64Array) return "int64";
  if (data instanceof BigUint64Array) return "uint64";
  if (data instanceof Float32Array) return "float32";
  return "float64";
}
function isBigIntDType(dtype) {
  return dtype === "int64" || dtype === "uint64";
}
function shapeSize(shape) {
  let n2 = 1;
  for (const d of shape) n2 *= d;
  return n2;
}

// src/io/ndarray.ts
function ndarrayOf(data, shape) {
  return (0, import_ndarray.default)(data, [...shape]);
}
function isCContiguous(a) {
  let expected = 1;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.stride[d] !== expected) return false;
    expected *= a.shape[d];
  }
  return true;
}
function toCOrder(a) {
  const n2 = shapeSize(a.shape);
  if (isCContiguous(a)) return a.data.subarray(a.offset, a.offset + n2);
  const out = allocTyped(dtypeOf(a.data), n2);
  const shape = a.shape;
  const nd = shape.length;
  const idx = new Array(nd).fill(0);
  const src = a.data;
  const dst = out;
  for (let i = 0; i < n2; i++) {
    let off = a.offset;
    for (let d = 0; d < nd; d++) off += idx[d] * a.stride[d];
    dst[i] = src[off];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

// src/io/npy.ts
var import_ndarray2 = __toESM(require_ndarray(), 1);

// src/errors.ts
var CalibmanError = class extends Error {
  constructor(message) {
    super(message);
    this.name = new.target.name;
  }
};
var CalibStoreError = class extends CalibmanError {
  path;
  constructor(message, args = {}) {
    super(args.path ? `${args.path}: ${message}` : message);
    this.path = args.path;
  }
};
var NdarrayFileError = class extends CalibmanError {
  file;
  line;
  constructor(message, args = {}) {
    const where = [args.file, args.line !== void 0 ? `line ${args.line}` : void 0].filter(Boolean).join(", ");
    super(where ? `${where}: ${message}` : message);
    this.file = args.file;
    this.line = args.line;
  }
};
var ConfigError = class extends CalibmanError {
  /** The parameter name as the user knows it (e.g. `nrecs1`, `-r`). */
  field;
  constructor(field, message) {
    super(`${field}: ${message}`);
    this.field = field;
  }
};
var JobError = class extends CalibmanError {
};

// src/io/npy.ts
var MAGIC = [147, 78, 85, 77, 80, 89];
var DTYPE_TO_DESCR = {
  int8: "|i1",
  uint8: "|u1",
  bool: "|b1",
  int16: "<i2",
  uint16: "<u2",
  int32: "<i4",
  uint32: "<u4",
  int64: "<i8",
  uint64: "<u8",
  float32: "<f4",
  float64: "<f8"
};
function shapeTuple(shape) {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}
function writeNpy(a, dtype) {
  const dt = dtype ?? dtypeOf(a.data);
  if (DTYPE_SIZE[dt] !== a.data.BYTES_PER_ELEMENT) {
    throw new NdarrayFileError(`dtype ${dt} does not match the array's ${dtypeOf(a.data)} storage`);
  }
  const data = toCOrder(a);
  let header = `{'descr': '${DTYPE_TO_DESCR[dt]}', 'fortran_order': False, 'shape': ${shapeTuple(a.shape)}, }`;
  let version = 1;
  let prefix = 10;
  const pad = (p) => (64 - (p + header.length + 1) % 64) % 64;
  if (prefix + header.length + 1 + pad(prefix) > 65535 + 10) {
    version = 2;
    prefix = 12;
  }
  header = header + " ".repeat(pad(prefix)) + "\n";
  const out = new Uint8Array(prefix + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + header.length);
  return out;
}

// src/node/files.ts
import { promises as fsp, constants as fsc } from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
async function writeFileAtomic(file, data, options = {}) {
  const dir = path.dirname(file);
  if (options.mkdirs !== false) await fsp.mkdir(dir, { recursive: true }).catch((err) => {
    throw fileError(dir, err, "create directory");
  });
  if (options.noOverwrite && await exists(file)) {
    throw new CalibStoreError("refusing to overwrite an existing file", { path: file });
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let handle;
  try {
    handle = await fsp.open(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, options.mode ?? 436);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = void 0;
    if (options.mode !== void 0) await fsp.chmod(tmp, options.mode);
    if (options.noOverwrite) {
      await fsp.link(tmp, file);
      await fsp.unlink(tmp);
    } else {
      await fsp.rename(tmp, file);
    }
  } catch (err) {
    await handle?.close().catch(() => void 0);
    await fsp.unlink(tmp).catch(() => void 0);
    if (err.code === "EEXIST" && options.noOverwrite) {
      throw new CalibStoreError("refusing to overwrite an existing file", { path: file });
    }
    throw fileError(file, err, "write");
  }
}
async function exists(file) {
  try {
    await fsp.lstat(file);
    return true;
  } catch {
    return false;
  }
}
function fileError(file, err, op) {
  const e = err;
  const reason = e?.code === "ENOENT" ? "no such file or directory" : e?.code === "EACCES" || e?.code === "EPERM" ? "permission denied" : e?.code === "EISDIR" ? "is a directory" : e?.message ?? String(err);
  return new CalibmanError(`cannot ${op} ${file}: ${reason}`);
}

// src/io/ndarray-text-layout.ts
var CSPAD_SIZE = 32 * 185 * 388;
var CSPAD2X2_SIZE = 2 * 185 * 388;
var CSPAD_SHAPE = [32, 185, 388];
var CSPAD2X2_SHAPE = [2, 185, 388];
var CSPAD2X2_DAQ_SHAPE = [185, 388, 2];
var DTYPE_NAMES = {
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  int64: "int64",
  uint64: "uint64",
  float32: "float32",
  float64: "float64",
  bool: "bool",
  // numpy aliases and pdscalibdata C++ names
  float: "float32",
  double: "float64",
  float_: "float64",
  int: "int32",
  int_: "int64",
  short: "int16",
  "unsigned short": "uint16",
  unsigned: "uint32",
  "unsigned int": "uint32",
  uint: "uint32",
  int8_t: "int8",
  uint8_t: "uint8",
  int16_t: "int16",
  uint16_t: "uint16",
  int32_t: "int32",
  uint32_t: "uint32",
  int64_t: "int64",
  uint64_t: "uint64",
  bool_: "bool"
};
function parseDTypeName(name) {
  return DTYPE_NAMES[name.trim()];
}
function cspad2x2NaturalToDaq(natural) {
  const n2 = 185 * 388;
  const out = allocTyped(dtypeOf(natural), 2 * n2);
  const src = natural;
  const dst = out;
  for (let i = 0; i < n2; i++) {
    dst[2 * i] = src[i];
    dst[2 * i + 1] = src[n2 + i];
  }
  return out;
}
function cspad2x2DaqToNatural(daq) {
  const n2 = 185 * 388;
  const out = allocTyped(dtypeOf(daq), 2 * n2);
  const src = daq;
  const dst = out;
  for (let i = 0; i < n2; i++) {
    dst[i] = src[2 * i];
    dst[n2 + i] = src[2 * i + 1];
  }
  return out;
}
function formatPsanaTimestamp(d) {
  const p = (n2) => String(n2).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
function sameShape(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// src/io/ndarray-text-format.ts
var SPEC = /^%([-+ 0#]*)(\d+)?(?:\.(\d+))?([dioufFeEgGs])$/;
function parseNumberFormat(fmt) {
  const m = SPEC.exec(fmt);
  if (!m) {
    throw new NdarrayFileError(`unsupported number format "${fmt}" (expected one printf conversion such as %8.2f, %d, %.3e)`);
  }
  const flags = m[1];
  const left = flags.includes("-");
  return {
    width: m[2] ? Number(m[2]) : 0,
    prec: m[3] !== void 0 ? Number(m[3]) : void 0,
    conv: m[4],
    left,
    zero: flags.includes("0") && !left,
    plus: flags.includes("+"),
    space: flags.includes(" "),
    alt: flags.includes("#")
  };
}
function compileNumberFormat(fmt) {
  const { width, prec, conv, left, zero, plus, space, alt } = parseNumberFormat(fmt);
  const body = (a) => {
    switch (conv) {
      case "d":
      case "i":
      case "u":
        return Math.trunc(a).toFixed(0);
      case "f":
      case "F":
        return fixed(a, prec ?? 6, alt);
      case "e":
      case "E":
        return expo(a, prec ?? 6, alt, conv === "E");
      case "g":
      case "G":
        return general(a, prec ?? 6, alt, conv === "G");
      default:
        return String(a);
    }
  };
  return (value) => {
    let sign = "";
    let digits;
    if (typeof value === "bigint") {
      if (value < 0n) sign = "-";
      const a = value < 0n ? -value : value;
      digits = conv === "d" || conv === "i" || conv === "u" || conv === "s" ? a.toString() : body(Number(a));
    } else if (Number.isNaN(value)) {
      digits = conv === "F" || conv === "E" || conv === "G" ? "NAN" : "nan";
    } else {
      if (value < 0 || Object.is(value, -0)) sign = "-";
      const a = Math.abs(value);
      if (!Number.isFinite(a)) digits = conv === "F" || conv === "E" || conv === "G" ? "INF" : "inf";
      else if (conv === "s") digits = pyStr(a);
      else digits = body(a);
      if ((conv === "d" || conv === "i" || conv === "u") && digits === "0") sign = "";
    }
    if (!sign && plus) sign = "+";
    else if (!sign && space) sign = " ";
    const len = sign.length + digits.length;
    if (len >= width) return sign + digits;
    if (left) return sign + digits + " ".repeat(width - len);
    if (zero && /^[0-9]/.test(digits)) return sign + "0".repeat(width - len) + digits;
    return " ".repeat(width - len) + sign + digits;
  };
}
function fixed(a, p, alt) {
  let s = a.toFixed(p);
  if (isExactTie(a, p)) s = evenDown(s);
  return alt && p === 0 ? s + "." : s;
}
function isExactTie(a, p) {
  if (p > 60) return false;
  const scaled = a * 2 ** (p + 1);
  return Number.isInteger(scaled) && scaled % 2 === 1 && Number.isSafeInteger(scaled);
}
function evenDown(s) {
  const last = s.charCodeAt(s.length - 1) - 48;
  if (last % 2 === 0) return s;
  return s.slice(0, -1) + String(last - 1);
}
function expo(a, p, alt, upper) {
  let s = a.toExponential(p);
  if (p <= 60 && a !== 0) {
    const e = Number(s.slice(s.indexOf("e") + 1));
    const shift = p - e;
    if (shift >= 0 && shift <= 22 && isExactTie(a, shift)) {
      const mant2 = s.slice(0, s.indexOf("e"));
      s = evenDown(mant2) + s.slice(s.indexOf("e"));
    }
  }
  const [m0, ex] = s.split("e");
  const mant = alt && p === 0 ? m0 + "." : m0;
  const en = Number(ex);
  const exs = (en < 0 ? "-" : "+") + String(Math.abs(en)).padStart(2, "0");
  return mant + (upper ? "E" : "e") + exs;
}
function general(a, p, alt, upper) {
  const P = p === 0 ? 1 : p;
  if (a === 0) return alt ? 0 .toFixed(P - 1) : "0";
  const e = expo(a, P - 1, true, false);
  const X = Number(e.slice(e.indexOf("e") + 1));
  let s;
  if (P > X && X >= -4) s = fixed(a, P - 1 - X, alt);
  else s = expo(a, P - 1, alt, upper);
  if (!alt) {
    const ei = s.search(/[eE]/);
    let mant = ei >= 0 ? s.slice(0, ei) : s;
    const tail = ei >= 0 ? s.slice(ei) : "";
    if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
    s = mant + tail;
  }
  return s;
}
function pyStr(a) {
  return Number.isInteger(a) && a < 1e16 ? a.toFixed(1) : String(a);
}

// src/io/ndarray-text-encode.ts
var ByteSink = class {
  /** Bytes written are `buf[0, pos)`. */
  buf;
  pos = 0;
  /** A new buffer of `capacity` bytes, or `buffer` to write into (it is replaced when it is too small). */
  constructor(capacity) {
    this.buf = typeof capacity === "number" ? new Uint8Array(Math.max(64, Math.ceil(capacity))) : capacity;
  }
  /** Make room for `n` more bytes. */
  ensure(n2) {
    if (this.pos + n2 <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  /** Append bytes. */
  write(bytes) {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
  /** The bytes written (a view when the buffer is nearly full, else a trimmed copy). */
  bytes() {
    return this.pos >= this.buf.length * 0.9 ? this.buf.subarray(0, this.pos) : this.buf.slice(0, this.pos);
  }
};
var POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
var TWO53 = 2 ** 53;
var TWO50 = 2 ** 50;
var TIE_MARGIN = 23e-17;
var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function decimalLength(n2) {
  let len = 1;
  while (len < 16 && n2 >= POW10[len]) len++;
  return n2 >= POW10[16] ? 17 : len;
}
function estimateValueBytes(fmt) {
  const s = parseNumberFormat(fmt);
  const body = s.conv === "f" || s.conv === "F" ? 5 + (s.prec ?? 6) : s.conv === "e" || s.conv === "E" ? 8 + (s.prec ?? 6) : 4;
  return Math.max(s.width, body) + 1;
}
var PAIRS = (() => {
  const t2 = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    t2[2 * i] = 48 + Math.floor(i / 10);
    t2[2 * i + 1] = 48 + i % 10;
  }
  return t2;
})();
function writeDigitsBackwards(buf, end, q) {
  let k = end;
  while (q >= 2147483648) {
    const r2 = q % 100;
    q = (q - r2) / 100;
    buf[--k] = PAIRS[2 * r2 + 1];
    buf[--k] = PAIRS[2 * r2];
  }
  let x = q | 0;
  while (x >= 100) {
    const d = x / 100 | 0;
    const r2 = 2 * (x - d * 100);
    buf[--k] = PAIRS[r2 + 1];
    buf[--k] = PAIRS[r2];
    x = d;
  }
  if (x >= 10) {
    buf[--k] = PAIRS[2 * x + 1];
    buf[--k] = PAIRS[2 * x];
  } else {
    buf[--k] = 48 + x;
  }
}
function writeFixedDigits(buf, end, f, n2) {
  let k = end;
  let left = n2;
  if (f < 2147483648) {
    let x = f | 0;
    while (left >= 2) {
      const d = x / 100 | 0;
      const r2 = 2 * (x - d * 100);
      buf[--k] = PAIRS[r2 + 1];
      buf[--k] = PAIRS[r2];
      x = d;
      left -= 2;
    }
    if (left === 1) buf[--k] = 48 + x % 10;
    return;
  }
  for (; left > 0; left--) {
    const r2 = f % 10;
    f = (f - r2) / 10;
    buf[--k] = 48 + r2;
  }
}
function writeField(buf, pos, field, neg, ip, frac) {
  const ipLen = ip < 10 ? 1 : ip < 100 ? 2 : ip < 1e3 ? 3 : ip < 1e4 ? 4 : decimalLength(ip);
  const fd = field.fracDigits;
  const sign = neg ? 45 : field.posSign;
  const len = ipLen + (fd > 0 ? fd + 1 : 0) + (sign ? 1 : 0);
  let pad = field.width - len;
  if (pad > 0 && !field.left) {
    if (field.zero) {
      if (sign) buf[pos++] = sign;
      buf.fill(48, pos, pos + pad);
      pos += pad;
    } else {
      if (pad < 8) {
        while (pad-- > 0) buf[pos++] = 32;
      } else {
        buf.fill(32, pos, pos + pad);
        pos += pad;
      }
      if (sign) buf[pos++] = sign;
    }
    pad = 0;
  } else if (sign) {
    buf[pos++] = sign;
  }
  pos += ipLen;
  writeDigitsBackwards(buf, pos, ip);
  if (fd > 0) {
    buf[pos] = 46;
    pos += 1 + fd;
    writeFixedDigits(buf, pos, frac, fd);
  }
  while (pad-- > 0) buf[pos++] = 32;
  return pos;
}
function asNumbers(data, isBool) {
  const size = data.length;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const nums = new Float64Array(size);
    const unsafe = new Uint8Array(size);
    const signed = data instanceof BigInt64Array;
    const words = LITTLE_ENDIAN ? new Uint32Array(data.buffer, data.byteOffset, 2 * size) : void 0;
    for (let i = 0; i < size; i++) {
      if (words) {
        const lo = words[2 * i];
        const hi = signed ? words[2 * i + 1] | 0 : words[2 * i + 1];
        if (isBool) nums[i] = lo !== 0 || hi !== 0 ? 1 : 0;
        else if (hi < 2097152 && hi >= -2097152) nums[i] = hi * 4294967296 + lo;
        else unsafe[i] = 1;
      } else if (isBool) {
        nums[i] = data[i] !== 0n ? 1 : 0;
      } else {
        unsafe[i] = 1;
      }
    }
    return { nums, unsafe };
  }
  if (isBool) {
    const nums = new Uint8Array(size);
    for (let i = 0; i < size; i++) nums[i] = data[i] ? 1 : 0;
    return { nums };
  }
  return { nums: data };
}
function encodeRows(sink, data, fmt, ncol, newline, isBool) {
  const spec = parseNumberFormat(fmt);
  const slow = compileNumberFormat(fmt);
  const isInt = spec.conv === "d" || spec.conv === "i" || spec.conv === "u";
  const p = spec.prec ?? 6;
  const isFixed = (spec.conv === "f" || spec.conv === "F") && !spec.alt && p <= 22;
  const field = { width: spec.width, left: spec.left, zero: spec.zero, posSign: spec.plus ? 43 : spec.space ? 32 : 0, fracDigits: isFixed ? p : 0 };
  const scale = POW10[field.fracDigits];
  const room = Math.max(spec.width, 1 + 17 + (field.fracDigits > 0 ? field.fracDigits + 1 : 0)) + 2;
  const rowRoom = ncol * room + 1;
  const { nums, unsafe } = asNumbers(data, isBool);
  const original = data;
  const size = data.length;
  const writeSlow = (pos2, i, rest) => {
    const s = slow(unsafe?.[i] ? original[i] : isBool ? nums[i] : original[i]);
    sink.pos = pos2;
    sink.ensure(s.length + rest);
    const buf = sink.buf;
    for (let c = 0; c < s.length; c++) buf[pos2++] = s.charCodeAt(c);
    return pos2;
  };
  let pos = sink.pos;
  for (let r2 = 0; r2 < size; r2 += ncol) {
    sink.pos = pos;
    sink.ensure(rowRoom);
    let buf = sink.buf;
    for (let j = 0; j < ncol; j++) {
      const i = r2 + j;
      if (j > 0) buf[pos++] = 32;
      const v = nums[i];
      if (isInt) {
        const a = v < 0 ? -v : v;
        if (a < TWO53 && !unsafe?.[i]) {
          const n2 = Math.floor(a);
          pos = writeField(buf, pos, field, v < 0 && n2 !== 0, n2, 0);
          continue;
        }
      } else if (isFixed && !unsafe?.[i]) {
        const neg = v < 0 || v === 0 && 1 / v < 0;
        const y = (neg ? -v : v) * scale;
        if (y < TWO50) {
          const k = Math.floor(y);
          const d = y - k - 0.5;
          if ((d < 0 ? -d : d) > y * TIE_MARGIN) {
            const n2 = d > 0 ? k + 1 : k;
            const ip = Math.floor(n2 / scale);
            pos = writeField(buf, pos, field, neg, ip, n2 - ip * scale);
            continue;
          }
        }
      }
      pos = writeSlow(pos, i, (ncol - j) * room + 1);
      buf = sink.buf;
    }
    buf[pos++] = newline;
  }
  sink.pos = pos;
}

// src/io/ndarray-text-write.ts
function pad12(key) {
  return `# ${key.padEnd(12)}`;
}
function planText(input, options) {
  const arr = "array" in input ? input.array : input;
  let dtype = options.dtype ?? ("array" in input ? input.dtype : dtypeOf(arr.data));
  let shape = [...arr.shape];
  let data = toCOrder(arr);
  const size = shapeSize(shape);
  if (options.cspad2x2ToDaq !== false && sameShape(shape, CSPAD2X2_SHAPE)) {
    data = cspad2x2NaturalToDaq(data);
    shape = [...CSPAD2X2_DAQ_SHAPE];
  }
  if (dtype !== "bool" && dtype !== dtypeOf(data) && !(dtype === "uint8" && data instanceof Uint8Array)) {
    dtype = dtypeOf(data);
  }
  const metadata = options.metadata ?? "auto";
  const withMeta = metadata === "auto" ? size !== CSPAD_SIZE && size !== CSPAD2X2_SIZE : metadata;
  const info = options.info ?? {};
  const date = info.DATE_TIME ?? /* @__PURE__ */ new Date();
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(",")})`;
  const recs = (options.comments ?? []).map((c) => `# ${c}`);
  recs.push(
    `
${pad12("HOST")}${info.HOST ?? ""}`,
    `${pad12("WORK_DIR")}${info.WORK_DIR ?? ""}`,
    `${pad12("FILE_NAME")}${info.FILE_NAME ?? ""}`,
    `${pad12("DATE_TIME")}${typeof date === "string" ? date : formatPsanaTimestamp(date)}`,
    `${pad12("UID")}${info.UID ?? ""}`,
    `${pad12("SHAPE")}${shapeText}`,
    `${pad12("DATATYPE")}${dtype}`
  );
  if (withMeta) {
    recs.push(`
${pad12("DTYPE")}${dtype}`, `${pad12("NDIM")}${shape.length}`);
    shape.forEach((d, i) => recs.push(`${pad12(`DIM:${i}`)}${d}`));
  }
  const oneD = shape.length <= 1;
  recs.push(oneD ? "\n" : "");
  const newline = oneD ? " " : "\n";
  return {
    header: recs.join("\n") + newline,
    data: data.length === size ? data : data.subarray(0, size),
    ncol: oneD ? 1 : shape[shape.length - 1],
    newline: newline.charCodeAt(0),
    isBool: dtype === "bool",
    fmt: options.fmt ?? "%.1f"
  };
}
function formatNdarrayTextBytes(input, options = {}) {
  return encodeNdarrayText(input, options).bytes();
}
function formatNdarrayTextInto(sink, input, options = {}) {
  sink.pos = 0;
  encodeNdarrayText(input, options, sink);
  return sink.buf.subarray(0, sink.pos);
}
function encodeNdarrayText(input, options, into) {
  const plan = planText(input, options);
  const head = new TextEncoder().encode(plan.header);
  const per = estimateValueBytes(plan.fmt);
  const capacity = head.length + plan.data.length * per + plan.ncol * (per + 24) + 64;
  const sink = into ?? new ByteSink(capacity);
  sink.ensure(capacity);
  sink.write(head);
  if (plan.data.length > 0 && plan.ncol > 0) encodeRows(sink, plan.data, plan.fmt, plan.ncol, plan.newline, plan.isBool);
  return sink;
}

// src/io/ndarray-text-read.ts
var NdarrayValueBuffer = class {
  /** The storage; replaced by a larger one when needed. */
  data = new Float64Array(0);
};
var ValueList = class {
  constructor(capacity, reuse) {
    this.reuse = reuse;
    this.data = reuse && reuse.data.length >= capacity ? reuse.data : new Float64Array(Math.max(16, capacity));
    if (reuse) reuse.data = this.data;
  }
  reuse;
  data;
  length = 0;
  grow() {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
    if (this.reuse) this.reuse.data = next;
  }
  /** The values, trimmed (a view of a reused buffer). */
  values() {
    if (this.reuse) return this.data.subarray(0, this.length);
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
};
function parseNdarrayTextBytes(bytes, options = {}) {
  const file = options.file;
  const fail = (msg, line) => {
    throw new NdarrayFileError(msg, { file, line });
  };
  const utf8 = new TextDecoder();
  const comments = [];
  const header = {};
  let dtypeText;
  let dtypeLine = 0;
  let ndim;
  let ndimLine = 0;
  const dims = [];
  const values = new ValueList(Math.ceil(bytes.length / 8), options.valueBuffer);
  const rowLengths = [];
  const rowLines = [];
  let pos = 0;
  let lineNo = 0;
  const n2 = bytes.length;
  while (pos < n2) {
    lineNo++;
    let end = bytes.indexOf(10, pos);
    if (end < 0) end = n2;
    if (bytes[pos] === 35) {
      const line = utf8.decode(bytes.subarray(pos, end)).replace(/\r$/, "");
      const body = line.slice(1).replace(/^ /, "");
      comments.push(body);
      const fields = line.slice(1).trim().split(/\s+/);
      const key = fields[0] ?? "";
      const value = line.slice(1).trim().slice(key.length).trim();
      if (key && !(key in header)) header[key] = value;
      if (key === "DTYPE") {
        dtypeText = value;
        dtypeLine = lineNo;
      } else if (key === "NDIM") {
        ndim = Number(value);
        ndimLine = lineNo;
        if (!Number.isInteger(ndim) || ndim < 0) fail(`NDIM: expected a non-negative integer, found "${value}"`, lineNo);
      } else if (key.startsWith("DIM:")) {
        const d = Number(value);
        if (!Number.isInteger(d) || d < 0) fail(`${key}: expected a non-negative integer, found "${value}"`, lineNo);
        dims.push(d);
      }
    } else {
      const count = scanNumbers(bytes, pos, end, values, lineNo, file);
      if (count > 0) {
        rowLengths.push(count);
        rowLines.push(lineNo);
      }
    }
    pos = end + 1;
  }
  if (rowLengths.length === 0) fail("no data: expected rows of numbers after the header");
  const hasMetadata = dtypeText !== void 0 || ndim !== void 0 || dims.length > 0;
  let dtype = "float32";
  if (dtypeText !== void 0) {
    const d = parseDTypeName(dtypeText);
    if (!d) return fail(`DTYPE: expected a numpy type name (e.g. float64, uint64, int16), found "${dtypeText}"`, dtypeLine);
    dtype = d;
  }
  if (options.dtype) dtype = options.dtype;
  const total = values.length;
  let shape;
  let daqToNatural = false;
  if (ndim !== void 0 && dims.length > 0) {
    if (ndim !== dims.length) {
      fail(`inconsistent metadata: NDIM ${ndim} but ${dims.length} DIM lines (${dims.join(",")})`, ndimLine);
    }
    const expected = shapeSize(dims);
    if (expected !== total) {
      fail(`data count: expected ${expected} values for shape (${dims.join(",")}), found ${total} in ${rowLengths.length} rows (lines ${rowLines[0]}-${rowLines[rowLines.length - 1]})`);
    }
    shape = dims;
  } else if (total === CSPAD_SIZE) {
    shape = [...CSPAD_SHAPE];
  } else if (total === CSPAD2X2_SIZE && rowLengths[0] === 2) {
    daqToNatural = options.cspad2x2Layout !== "daq";
    shape = daqToNatural ? [...CSPAD2X2_SHAPE] : [...CSPAD2X2_DAQ_SHAPE];
  } else if (rowLengths.length === 1) {
    shape = [total];
  } else {
    const ncol = rowLengths[0];
    for (let r2 = 1; r2 < rowLengths.length; r2++) {
      if (rowLengths[r2] !== ncol) {
        fail(`ragged data: expected ${ncol} values per row (as on line ${rowLines[0]}), found ${rowLengths[r2]}`, rowLines[r2]);
      }
    }
    shape = [rowLengths.length, ncol];
  }
  if (options.shape) {
    if (shapeSize(options.shape) !== total) {
      fail(`data count: expected ${shapeSize(options.shape)} values for requested shape (${options.shape.join(",")}), found ${total}`);
    }
    shape = [...options.shape];
  }
  let data = fillTyped(dtype, values.values());
  if (daqToNatural) data = cspad2x2DaqToNatural(data);
  return { array: ndarrayOf(data, shape), dtype, comments, header, hasMetadata };
}
function fillTyped(dtype, values) {
  if (dtype === "float64") return values;
  const out = allocTyped(dtype, values.length);
  const len = values.length;
  if (isBigIntDType(dtype)) {
    const o = out;
    for (let i = 0; i < len; i++) o[i] = BigInt(Math.trunc(values[i]));
  } else if (dtype === "float32") {
    out.set(values);
  } else if (dtype === "bool") {
    const o = out;
    for (let i = 0; i < len; i++) o[i] = values[i] !== 0 ? 1 : 0;
  } else {
    const o = out;
    for (let i = 0; i < len; i++) o[i] = Math.trunc(values[i]);
  }
  return out;
}
var POW102 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
function scanNumbers(bytes, start, end, out, lineNo, file) {
  let data = out.data;
  let len = out.length;
  let i = start;
  let count = 0;
  while (i < end) {
    let c = bytes[i];
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      i++;
      continue;
    }
    const tokStart = i;
    const neg = c === 45;
    if (neg || c === 43) i++;
    const digitsStart = i;
    let mant = 0;
    let dot = -1;
    let simple = true;
    for (; i < end; i++) {
      c = bytes[i];
      const d = c - 48;
      if (d >= 0 && d <= 9) mant = mant * 10 + d;
      else if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) break;
      else if (c === 46 && dot < 0) dot = i;
      else simple = false;
    }
    const frac = dot < 0 ? 0 : i - dot - 1;
    const ndig = i - digitsStart - (dot < 0 ? 0 : 1);
    let v;
    if (simple && ndig > 0 && mant < 1e15 && frac <= 22) {
      v = mant / POW102[frac];
      if (neg) v = -v;
    } else {
      const tok = new TextDecoder().decode(bytes.subarray(tokStart, i));
      v = pythonFloat(tok);
      if (Number.isNaN(v) && !/^[-+]?nan$/i.test(tok)) {
        throw new NdarrayFileError(`expected a number, found "${tok}"`, { file, line: lineNo });
      }
    }
    if (len === data.length) {
      out.length = len;
      out.grow();
      data = out.data;
    }
    data[len++] = v;
    count++;
  }
  out.length = len;
  return count;
}
function pythonFloat(tok) {
  const t2 = tok.toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(t2)) return t2.startsWith("-") ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t2)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t2)) return NaN;
  return Number(t2);
}

// src/dark/outputs.ts
var DARK_OUTPUT_KINDS = Object.freeze([
  { kind: "ave", bit: 1, array: "pedestals", fmt: "%8.2f", arrType: "average" },
  { kind: "rms", bit: 2, array: "pixel_rms", fmt: "%8.2f", arrType: "RMS" },
  { kind: "sta", bit: 4, array: "pixel_status", fmt: "%d", arrType: "status" },
  { kind: "msk", bit: 8, array: "mask", fmt: "%1d", arrType: "mask" },
  { kind: "max", bit: 16, array: "max", fmt: "%d", arrType: "max" },
  { kind: "min", bit: 32, array: "min", fmt: "%d", arrType: "min" }
]);

// src/dark/file-names.ts
function runString(run) {
  return "r" + String(run).padStart(4, "0");
}
function insertSourceBeforeExtension(fileName, source2) {
  const slash = fileName.lastIndexOf("/");
  const dot = fileName.lastIndexOf(".");
  if (dot <= slash + 0 || dot < 0) return `${fileName}-${source2}`;
  return `${fileName.slice(0, dot)}-${source2}${fileName.slice(dot)}`;
}

// src/calibrun/format-texts.ts
import { existsSync as existsSync2 } from "node:fs";
import * as path4 from "node:path";
import { fileURLToPath as fileURLToPath3 } from "node:url";

// src/jobs/cli-entry.ts
import { existsSync, readFileSync } from "node:fs";
import * as path2 from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
function thisModuleFile() {
  try {
    const url = import.meta.url;
    if (url) return fileURLToPath(url);
  } catch {
  }
  return typeof __filename === "string" ? __filename : void 0;
}
function findPackageRoot() {
  for (const start of [thisModuleFile(), process.argv[1]]) {
    if (!start) continue;
    let dir = path2.dirname(path2.resolve(start));
    for (; ; ) {
      const pkg = path2.join(dir, "package.json");
      if (existsSync(pkg)) {
        try {
          if (JSON.parse(readFileSync(pkg, "utf8")).name === "calibman") return dir;
        } catch {
        }
      }
      const up = path2.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return void 0;
}

// src/jobs/worker-pool.ts
import { readFileSync as readFileSync2 } from "node:fs";
import { availableParallelism } from "node:os";
import * as path3 from "node:path";
import { fileURLToPath as fileURLToPath2, pathToFileURL as pathToFileURL2 } from "node:url";
import { createRequire } from "node:module";
import { Worker, parentPort } from "node:worker_threads";
function runInWorkers(workerScript, tasks, options = {}) {
  const results = new Array(tasks.length);
  if (tasks.length === 0) return Promise.resolve(results);
  const n2 = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), tasks.length));
  const scriptUrl = workerScript instanceof URL ? workerScript : pathToFileURL2(workerScript);
  const boot = bootstrap(scriptUrl);
  return new Promise((resolve5, reject) => {
    const workers = [];
    const retired = /* @__PURE__ */ new Set();
    let next = 0;
    let done = 0;
    let settled = false;
    const finish2 = (err) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      for (const w of workers) void w.terminate();
      if (err !== void 0) reject(err);
      else resolve5(results);
    };
    const onAbort = () => finish2(options.signal.reason ?? new DOMException("aborted", "AbortError"));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const feed = (w) => {
      if (settled) return;
      if (next >= tasks.length) {
        retired.add(w);
        void w.terminate();
        return;
      }
      const index = next++;
      const msg = { type: "task", index, task: tasks[index] };
      w.postMessage(msg);
    };
    for (let k = 0; k < n2; k++) {
      const w = new Worker(boot.script, { workerData: options.workerData, eval: boot.eval, execArgv: options.execArgv ?? [] });
      workers.push(w);
      w.on("message", (msg) => {
        if (settled || msg?.type !== "result") return;
        if (msg.error) {
          finish2(new JobError(`worker task ${msg.index} failed: ${msg.error.message}`));
          return;
        }
        results[msg.index] = msg.result;
        done++;
        try {
          options.onResult?.(msg.result, msg.index);
        } catch (err) {
          finish2(err);
          return;
        }
        if (done === tasks.length) finish2();
        else feed(w);
      });
      w.on("error", (err) => finish2(new JobError(`worker thread of ${fileURLToPath2(scriptUrl)} crashed: ${err.message}`)));
      w.on("exit", (code) => {
        if (!settled && !retired.has(w) && code !== 0) finish2(new JobError(`worker thread exited with code ${code} before finishing its task`));
      });
      feed(w);
    }
  });
}
function bootstrap(scriptUrl) {
  if (!/\.[cm]?ts$/.test(scriptUrl.pathname)) return { script: scriptUrl, eval: false };
  let api;
  try {
    const pkgFile = createRequire(fileURLToPath2(scriptUrl)).resolve("tsx/package.json");
    const entry = JSON.parse(readFileSync2(pkgFile, "utf8")).exports["./esm/api"].import.default;
    api = path3.join(path3.dirname(pkgFile), entry);
  } catch {
    throw new JobError(`worker script ${fileURLToPath2(scriptUrl)} is TypeScript: it needs tsx installed, or a built .js script`);
  }
  const code = `import(${JSON.stringify(pathToFileURL2(api).href)}).then((m) => m.register()).then(() => import(${JSON.stringify(scriptUrl.href)})).catch((e) => { setImmediate(() => { throw e; }); });`;
  return { script: code, eval: true };
}

// src/calibrun/format-texts.ts
function formatWorkerScript() {
  let self = "";
  try {
    self = fileURLToPath3(import.meta.url);
  } catch {
  }
  const candidates = self.endsWith(".ts") ? [path4.join(path4.dirname(self), "format-worker.ts")] : [];
  const root = findPackageRoot();
  if (root) candidates.push(path4.join(root, "dist", "calibrun", "format-worker.js"), path4.join(root, "src", "calibrun", "format-worker.ts"));
  return candidates.find((f) => existsSync2(f));
}
async function formatNdarrayTexts(jobs, options = {}) {
  const workers = Math.min(options.workers ?? 1, jobs.length);
  const values = jobs.reduce((n2, j) => n2 + j.array.size, 0);
  const script = workers > 1 && values >= (options.minValues ?? 1e6) ? formatWorkerScript() : void 0;
  if (!script) return jobs.map((j) => formatNdarrayTextBytes(j.array, j.options));
  const tasks = jobs.map((j) => {
    const data = toCOrder(j.array);
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
    return { data: own, shape: [...j.array.shape], options: j.options };
  });
  return runInWorkers(script, tasks, { concurrency: workers, ...options.signal ? { signal: options.signal } : {} });
}

// src/node/byte-pool.ts
var MAX_FREE = 2;
var free = [];
function borrowBytes(size) {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    if (free[i].length >= size && (best < 0 || free[i].length < free[best].length)) best = i;
  }
  if (best >= 0) return free.splice(best, 1)[0];
  return new Uint8Array(Math.max(4096, Math.ceil(size * 1.25)));
}
function releaseBytes(buf) {
  if (buf.byteOffset !== 0 || buf.length !== buf.buffer.byteLength) return;
  free.push(buf);
  free.sort((a, b) => b.length - a.length);
  free.length = Math.min(free.length, MAX_FREE);
}

// src/calibrun/dark-outputs.ts
var DARK_FILE_KINDS = DARK_OUTPUT_KINDS;
function darkPrefix(resultsDir, prefix, experiment, run) {
  return path5.join(resultsDir, `${prefix}${experiment}-${runString(run)}-`);
}
function darkWorkFile(resultsDir, prefix, experiment, run, kind, source2) {
  return insertSourceBeforeExtension(`${darkPrefix(resultsDir, prefix, experiment, run)}peds-${kind}.txt`, source2);
}
function zerosLike(a) {
  return ndarrayOf(new Float32Array(a.size), a.shape);
}
function userName() {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? "";
  }
}
async function writeDarkOutputs(results, o) {
  const planned = [];
  const host = os.hostname();
  const uid = userName();
  const out = /* @__PURE__ */ new Map();
  for (const r2 of results) {
    const files = {};
    const comments = (arrType) => [`DATASET  ${o.dataset}`, `STATISTICS  ${r2.arrays.statistics}`, `ARR_TYPE  ${arrType}`, `SOURCE  ${r2.source}`];
    for (const k of DARK_FILE_KINDS) {
      if (k.array === "counts") continue;
      const arr = r2.arrays[k.array];
      if (!arr) continue;
      const file = darkWorkFile(o.resultsDir, o.prefix, o.experiment, o.run, k.kind, r2.source);
      const info = { HOST: host, WORK_DIR: o.resultsDir, FILE_NAME: file, UID: uid };
      planned.push({ file, job: { array: arr, options: { comments: comments(k.arrType), fmt: k.fmt, info, dtype: r2.arrays.dtypes?.[k.array] } }, npy: arr });
      files[k.kind] = file;
    }
    if (o.zeroPedsSources?.includes(r2.source)) {
      const file = darkWorkFile(o.resultsDir, o.prefix, o.experiment, o.run, "zero", r2.source);
      const zeros = zerosLike(r2.arrays.pedestals);
      planned.push({ file, job: { array: zeros, options: { comments: comments("zero pedestals"), fmt: "%.0f", info: { FILE_NAME: file } } }, npy: zeros });
      files.zero = file;
    }
    out.set(r2.source, files);
  }
  for (const p of planned) parseNumberFormat(p.job.options.fmt ?? "%.1f");
  try {
    await fsp2.mkdir(o.resultsDir, { recursive: true, mode: o.dirMode });
  } catch (err) {
    throw new CalibStoreError(`cannot create the results directory (${err.message})`, { path: o.resultsDir });
  }
  const write = async (p, bytes) => {
    await writeFileAtomic(p.file, bytes, { mode: o.fileMode });
    if (o.npy && p.npy) await writeFileAtomic(p.file.replace(/\.txt$/, ".npy"), writeNpy(p.npy), { mode: o.fileMode });
  };
  const workers = o.formatWorkers ?? 1;
  if (workers > 1) {
    const texts = await formatNdarrayTexts(planned.map((p) => p.job), { workers });
    for (const [k, p] of planned.entries()) await write(p, texts[k]);
  } else {
    const largest = Math.max(0, ...planned.map((p) => p.job.array.size * estimateValueBytes(p.job.options.fmt ?? "%.1f")));
    const sink = new ByteSink(borrowBytes(largest + 65536));
    try {
      for (const p of planned) await write(p, formatNdarrayTextInto(sink, p.job.array, p.job.options));
    } finally {
      releaseBytes(sink.buf);
    }
  }
  return out;
}

// src/node/calib-store.ts
import { promises as fsp5 } from "node:fs";
import * as os2 from "node:os";
import * as path8 from "node:path";

// src/deploy/calib-types.ts
function t(name, dtype, content, legacy = false) {
  return { name, dtype, content, legacy };
}
var CALIB_TYPES = Object.fromEntries(
  [
    t("pedestals", "float32", "per-pixel"),
    t("pixel_status", "uint16", "per-pixel"),
    t("pixel_rms", "float32", "per-pixel"),
    t("pixel_gain", "float32", "per-pixel"),
    t("pixel_mask", "uint8", "per-pixel"),
    t("pixel_bkgd", "float32", "per-pixel"),
    t("pixel_offset", "float32", "per-pixel"),
    t("status_data", "uint16", "per-pixel"),
    t("status_extra", "uint64", "per-pixel"),
    t("pixel_status_extra", "uint64", "per-pixel", true),
    t("common_mode", "float64", "table"),
    t("geometry", void 0, "text"),
    t("center", "float64", "table", true),
    t("center_corr", "float64", "table", true),
    t("center_global", "float64", "table", true),
    t("marg_gap_shift", "float64", "table", true),
    t("offset", "float64", "table", true),
    t("offset_corr", "float64", "table", true),
    t("rotation", "float64", "table", true),
    t("rotation_global", "float64", "table", true),
    t("tilt", "float64", "table", true),
    t("quad_rotation", "float64", "table", true),
    t("quad_tilt", "float64", "table", true),
    t("beam_vector", "float64", "table", true),
    t("beam_intersect", "float64", "table", true),
    t("filter", "float64", "table", true),
    t("hex_config", void 0, "text"),
    t("hex_table", void 0, "text")
  ].map((i) => [i.name, i])
);
var CALIB_TYPE_NAMES = Object.keys(CALIB_TYPES);
function isCalibType(name) {
  return Object.prototype.hasOwnProperty.call(CALIB_TYPES, name);
}
function getCalibType(name) {
  return isCalibType(name) ? CALIB_TYPES[name] : void 0;
}

// src/deploy/source.ts
var CALIB_FORM = /^([A-Za-z][A-Za-z0-9_]*)\.(\d+):([A-Za-z][A-Za-z0-9_]*)\.(\d+)$/;
var REGDB_FORM = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)\|([A-Za-z][A-Za-z0-9_]*)-(\d+)$/;
function parseSource(text) {
  let s = text.trim();
  const open = s.indexOf("(");
  const close = s.lastIndexOf(")");
  if (open >= 0 && close > open) s = s.slice(open + 1, close).trim();
  const m = CALIB_FORM.exec(s) ?? REGDB_FORM.exec(s);
  if (!m) {
    throw new CalibStoreError(
      `source "${text}" is not a DetInfo source; expected <Det>.<id>:<Dev>.<id> (e.g. CxiDs1.0:Cspad.0), DetInfo(<Det>.<id>:<Dev>.<id>) or <Det>-<id>|<Dev>-<id>`
    );
  }
  return { detName: m[1], detId: Number(m[2]), devName: m[3], devId: Number(m[4]) };
}
function formatSource(src) {
  return `${src.detName}.${src.detId}:${src.devName}.${src.devId}`;
}
function sourceDirName(text) {
  return formatSource(parseSource(text));
}
function isSourceDirName(name) {
  return CALIB_FORM.test(name);
}

// src/deploy/groups.ts
var DEVICE_CALIB_GROUPS = [
  ["Cspad", "CsPad::CalibV1"],
  ["Cspad2x2", "CsPad2x2::CalibV1"],
  ["pnCCD", "PNCCD::CalibV1"],
  ["Princeton", "Princeton::CalibV1"],
  ["Andor", "Andor::CalibV1"],
  ["Epix100a", "Epix100a::CalibV1"],
  ["Epix10k", "Epix10ka::CalibV1"],
  ["Epix", "Epix::CalibV1"],
  ["Opal1000", "Camera::CalibV1"],
  ["Opal2000", "Camera::CalibV1"],
  ["Opal4000", "Camera::CalibV1"],
  ["Opal8000", "Camera::CalibV1"],
  ["Tm6740", "Camera::CalibV1"],
  ["OrcaFl40", "Camera::CalibV1"],
  ["Fccd960", "Camera::CalibV1"],
  ["Acqiris", "Acqiris::CalibV1"],
  ["Imp", "Imp::CalibV1"],
  ["Quartz4A150", "Camera::CalibV1"],
  ["Rayonix", "Camera::CalibV1"],
  ["Evr", "EvrData::CalibV1"],
  ["Fccd", "Camera::CalibV1"],
  ["Timepix", "Timepix::CalibV1"],
  ["Fli", "Fli::CalibV1"],
  ["Pimax", "Pimax::CalibV1"],
  ["DualAndor", "Andor3d::CalibV1"],
  ["Jungfrau", "Jungfrau::CalibV1"],
  ["Zyla", "Camera::CalibV1"],
  ["ControlsCamera", "Camera::CalibV1"],
  ["Epix10ka", "Epix10ka::CalibV1"],
  ["Uxi", "Uxi::CalibV1"],
  ["Pixis", "Pixis::CalibV1"],
  ["Epix10ka2M", "Epix10ka2M::CalibV1"],
  ["Epix10kaQuad", "Epix10kaQuad::CalibV1"],
  ["StreakC7700", "Camera::CalibV1"],
  ["Archon", "Camera::CalibV1"],
  ["iStar", "Camera::CalibV1"],
  ["Alvium", "Camera::CalibV1"]
];
function detectorTypeFromSource(source2) {
  const src = sourceDirName(source2);
  for (const [device] of DEVICE_CALIB_GROUPS) if (src.includes(`:${device}.`)) return device;
  return void 0;
}
function calibGroupForSource(source2) {
  const device = detectorTypeFromSource(source2);
  if (device === void 0) {
    throw new CalibStoreError(
      `no calibration group for the device of source "${source2}"; known devices: ${DEVICE_CALIB_GROUPS.map((d) => d[0]).join(", ")}`
    );
  }
  return DEVICE_CALIB_GROUPS.find((d) => d[0] === device)[1];
}

// src/deploy/run-range.ts
var OPEN_END = "end";
var MAX_RUN = 9999;
var UINT_MAX = 4294967295;
function rangeEnd(r2) {
  return r2.end === OPEN_END ? UINT_MAX : r2.end;
}
function formatRunRange(r2) {
  return `${r2.begin}-${r2.end}`;
}
function parseRunRange(text) {
  const s = text.trim();
  const m = /^(\d+)-(\d+|end)$/.exec(s);
  if (!m) {
    throw new CalibStoreError(`run range "${text}": expected <begin>-<end> with end a run number or "end", e.g. 42-end or 5-17`);
  }
  const begin = Number(m[1]);
  const end = m[2] === OPEN_END ? OPEN_END : Number(m[2]);
  if (begin > MAX_RUN || end !== OPEN_END && end > MAX_RUN) {
    throw new CalibStoreError(`run range "${text}": run numbers must be between 0 and ${MAX_RUN}`);
  }
  if (end !== OPEN_END && end < begin) {
    throw new CalibStoreError(`run range "${text}": end ${end} is before begin ${begin}`);
  }
  return { begin, end };
}
function parseCalibFileName(name) {
  if (name === "HISTORY") return "history";
  const dot = name.lastIndexOf(".");
  if (dot < 0 || name.slice(dot) !== ".data") return "not-data";
  const stem = name.slice(0, dot);
  const m = /^(\d+)-(\d+|end)$/.exec(stem);
  if (!m) return "malformed";
  const begin = Number(m[1]);
  const end = m[2] === OPEN_END ? OPEN_END : Number(m[2]);
  if (begin > UINT_MAX || end !== OPEN_END && end > UINT_MAX) return "malformed";
  return { name, range: { begin, end } };
}
function calibFileName(r2) {
  return `${formatRunRange(r2)}.data`;
}

// src/deploy/finder.ts
var SKIP_TEXT = {
  history: "HISTORY log, not a calib file",
  "not-data": "extension is not .data; ignored by psana",
  malformed: "name is not <begin>-<end>.data; ignored by psana"
};
function psanaOrder(a, b) {
  return a.range.begin - b.range.begin || rangeEnd(b.range) - rangeEnd(a.range) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
function checkRun(run) {
  if (!Number.isInteger(run) || run < 0 || run > UINT_MAX) {
    throw new CalibStoreError(`run ${run}: expected an integer between 0 and ${UINT_MAX}`);
  }
}
function parseListing(names) {
  const files = [];
  const skipped = [];
  for (const name of names) {
    const p = parseCalibFileName(name);
    if (typeof p === "string") skipped.push({ name, reason: p });
    else files.push(p);
  }
  files.sort(psanaOrder);
  return { files, skipped };
}
function covers(r2, run) {
  return r2.begin <= run && run <= rangeEnd(r2);
}
var PY_MAX = 9999;
function findCalibFile(names, run, options = {}) {
  checkRun(run);
  if (options.rules === "pscalib-py") return findPython(names, run);
  const { files, skipped } = parseListing(names);
  let chosen;
  for (let i = files.length - 1; i >= 0; i--) {
    if (covers(files[i].range, run)) {
      chosen = files[i];
      break;
    }
  }
  const candidates = files.map((f) => judge(f, run, chosen));
  for (const s of skipped) candidates.push({ name: s.name, verdict: "skipped", reason: SKIP_TEXT[s.reason] });
  return { run, file: chosen?.name, range: chosen?.range, candidates };
}
function findPython(names, run) {
  const files = [];
  const rest = [];
  for (const name of names) {
    const p = parseCalibFileName(name);
    if (typeof p === "string") rest.push({ name, verdict: "skipped", reason: SKIP_TEXT[p] });
    else if (p.range.begin > PY_MAX || p.range.end !== OPEN_END && p.range.end > PY_MAX) {
      rest.push({ name, verdict: "skipped", reason: "run number above 9999: invalid for the Python finder" });
    } else files.push({ name, range: { begin: p.range.begin, end: p.range.end === OPEN_END ? PY_MAX : p.range.end } });
  }
  files.sort((a, b) => a.range.begin - b.range.begin || rangeEnd(b.range) - rangeEnd(a.range));
  const r2 = Math.min(run, PY_MAX);
  let chosen;
  for (let i = files.length - 1; i >= 0 && !chosen; i--) if (covers(files[i].range, r2)) chosen = files[i];
  const original = (f) => parseCalibFileName(f.name).range;
  const candidates = files.map((f) => ({ ...judge(f, r2, chosen), range: original(f) }));
  return { run, file: chosen?.name, range: chosen ? original(chosen) : void 0, candidates: [...candidates, ...rest] };
}
function judge(f, run, chosen) {
  const r2 = formatRunRange(f.range);
  if (f === chosen) return { name: f.name, range: f.range, verdict: "chosen", reason: `range ${r2} contains run ${run}; chosen` };
  if (!covers(f.range, run)) {
    const why = run < f.range.begin ? `begins after run ${run}` : `ends before run ${run}`;
    return { name: f.name, range: f.range, verdict: "out-of-range", reason: `range ${r2} ${why}` };
  }
  const c = chosen;
  if (c.range.begin > f.range.begin) {
    return { name: f.name, range: f.range, verdict: "later-begin-wins", reason: `covers run ${run}, but ${c.name} begins later (${c.range.begin} > ${f.range.begin})` };
  }
  if (rangeEnd(c.range) < rangeEnd(f.range)) {
    return { name: f.name, range: f.range, verdict: "shorter-range-wins", reason: `covers run ${run}, but ${c.name} has the same begin and a shorter range` };
  }
  return { name: f.name, range: f.range, verdict: "tie", reason: `same range as ${c.name}; the name sorted last wins` };
}
function calibFileCoverage(names) {
  const { files, skipped } = parseListing(names);
  const points = /* @__PURE__ */ new Set([0]);
  for (const f of files) {
    points.add(f.range.begin);
    const e = rangeEnd(f.range);
    if (e < UINT_MAX) points.add(e + 1);
  }
  const starts = [...points].sort((a, b) => a - b);
  const byName = new Map(files.map((f) => [f.name, []]));
  const allNames = files.map((f) => f.name);
  for (let i = 0; i < starts.length; i++) {
    const begin = starts[i];
    const last = i + 1 < starts.length ? starts[i + 1] - 1 : UINT_MAX;
    const winner = findCalibFile(allNames, begin).file;
    if (!winner) continue;
    const list = byName.get(winner);
    const prev = list[list.length - 1];
    const end = last === UINT_MAX ? OPEN_END : last;
    if (prev && prev.end !== OPEN_END && prev.end + 1 === begin) list[list.length - 1] = { begin: prev.begin, end };
    else list.push({ begin, end });
  }
  return {
    files: files.map((f) => ({ name: f.name, range: f.range, effective: byName.get(f.name), shadowed: byName.get(f.name).length === 0 })),
    skipped
  };
}

// src/deploy/history.ts
function formatLocalTimestamp(d) {
  const p = (n2, w = 2) => String(n2).padStart(w, "0");
  return `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
function localZoneName(d) {
  try {
    const part = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(d).find((x) => x.type === "timeZoneName");
    return part?.value ?? "UTC";
  } catch {
    return "UTC";
  }
}
function cptime(ctx) {
  return `${formatLocalTimestamp(ctx.time)}  zone:${ctx.zone ?? localZoneName(ctx.time)}`.padEnd(29);
}
function runText(run) {
  return typeof run === "number" ? String(run).padStart(4, "0") : run;
}
function formatDeployRecord(f, ctx) {
  return `file:${f.file.padEnd(14)}  copy_of:${f.copyOf}  exp:${f.experiment.padEnd(8)}  run:${runText(f.run).padEnd(4)}  comment:${f.comment.padEnd(10)}  user:${ctx.user}  host:${ctx.host}  cptime:${cptime(ctx)}
`;
}
function formatDeleteRecord(file, comment, ctx) {
  return `file:${file.padEnd(14)}  cmd:${"rm".padEnd(4)}  comment:${comment.padEnd(10)}  user:${ctx.user}  host:${ctx.host}  cptime:${cptime(ctx)}
`;
}
var KEYS = ["file", "copy_of", "exp", "run", "comment", "user", "host", "cptime", "zone", "cmd", "ctype", "cwd", "cmt", "app"];
var KEY_RE = new RegExp(`(?:^|\\s)(${KEYS.join("|")}):`, "g");
function parseHistoryLine(text, line = 1) {
  const marks = [];
  for (const m of text.matchAll(KEY_RE)) {
    const start = m.index + (m[0].length - m[1].length - 1);
    marks.push({ key: m[1], start, valueStart: m.index + m[0].length });
  }
  const fields = {};
  for (let i = 0; i < marks.length; i++) {
    const end = i + 1 < marks.length ? marks[i + 1].start : text.length;
    if (!(marks[i].key in fields)) fields[marks[i].key] = text.slice(marks[i].valueStart, end).trim();
  }
  const format = "cmd" in fields && fields.cmd === "rm" ? "calibman-delete" : "ctype" in fields || "cwd" in fields || "cmt" in fields ? "pscalib" : "copy_of" in fields && "comment" in fields ? "calibman-copy" : "unknown";
  return { format, line, text, fields, file: fields.file, cptime: fields.cptime, comment: fields.comment ?? fields.cmt };
}
function parseHistory(text) {
  const out = [];
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim() !== "") out.push(parseHistoryLine(l, i + 1));
  });
  return out;
}

// src/deploy/layout.ts
function joinPath(...parts) {
  return parts.filter((p) => p !== "").map((p, i) => i === 0 ? p.replace(/\/+$/, "") || "/" : p.replace(/^\/+|\/+$/g, "")).join("/").replace(/^\/\//, "/");
}
function calibTypeDir(calibDir, source2, type, group) {
  checkType(type);
  const src = sourceDirName(source2);
  return joinPath(calibDir, group ?? calibGroupForSource(src), src, type);
}
function splitCalibFilePath(path9) {
  const parts = path9.replace(/\/+$/, "").split("/");
  if (parts.length < 5) return void 0;
  const [group, source2, type, name] = parts.slice(-4);
  const calibDir = parts.slice(0, -4).join("/") || (path9.startsWith("/") ? "/" : ".");
  if (!group.includes("::") || !isSourceDirName(source2) || !name) return void 0;
  return { calibDir, group, source: source2, type, name };
}
function experimentFromCalibDir(dir) {
  const parts = dir.replace(/\/+$/, "").split("/");
  const exp = parts.length >= 2 && parts[parts.length - 1] === "calib" ? parts[parts.length - 2] : "";
  return exp === "." || exp === ".." ? "" : exp;
}
function checkType(type) {
  if (!isCalibType(type)) throw new CalibStoreError(`unknown calib type "${type}"; expected one of pedestals, pixel_status, pixel_rms, pixel_gain, pixel_mask, pixel_bkgd, common_mode, geometry, pixel_offset, status_extra, \u2026 (see docs/calib-store.md)`);
}

// src/deploy/operations.ts
function backupName(name, time, taken) {
  const base = `${name}-${formatLocalTimestamp(time)}`;
  if (!taken(base)) return base;
  for (let i = 1; ; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
}

// src/deploy/validate.ts
var INT_RANGE = {
  int8: [-128, 127],
  uint8: [0, 255],
  bool: [0, 1],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  int64: [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, 2 ** 64]
};
var FLOAT32_MAX = 34028234663852886e22;
function shapeCompatible(actual, expected) {
  if (shapeSize(actual) !== shapeSize(expected)) return false;
  if (actual.length === expected.length && actual.every((d, i) => d === expected[i])) return true;
  if (actual.length === 1 || expected.length === 1) return true;
  return actual[actual.length - 1] === expected[expected.length - 1];
}
function validateConstants(values, exp) {
  const info = getCalibType(exp.calibType);
  const dtype = exp.dtype ?? info?.dtype;
  const problems = [];
  const n2 = values.data.length;
  if (n2 === 0) problems.push({ code: "empty", message: "no values" });
  if (exp.shape && !shapeCompatible(values.shape, exp.shape)) {
    problems.push({
      code: "shape",
      message: `shape: expected (${exp.shape.join(",")}) (${shapeSize(exp.shape)} values) for the detector, found (${values.shape.join(",")}) (${n2} values)`
    });
  }
  let nan = 0;
  let inf = 0;
  let firstNan = -1;
  let bad = 0;
  let firstBad = -1;
  const range = dtype ? INT_RANGE[dtype] : void 0;
  const isF32 = dtype === "float32";
  for (let i = 0; i < n2; i++) {
    const raw = values.data[i];
    if (typeof raw === "bigint") {
      if (range && (raw < BigInt(range[0]) || raw > BigInt(Math.trunc(range[1])))) {
        if (bad++ === 0) firstBad = i;
      }
      continue;
    }
    const v = raw;
    if (v !== v) {
      if (nan++ === 0) firstNan = i;
      continue;
    }
    if (v === Infinity || v === -Infinity) {
      inf++;
      continue;
    }
    if (range ? !Number.isInteger(v) || v < range[0] || v > range[1] : isF32 && Math.abs(v) > FLOAT32_MAX) {
      if (bad++ === 0) firstBad = i;
    }
  }
  if (nan) problems.push({ code: "nan", message: `${nan} NaN value(s), first at flat index ${firstNan}` });
  if (inf) problems.push({ code: "infinite", message: `${inf} infinite value(s)` });
  if (bad) {
    const v = values.data[firstBad];
    problems.push({
      code: "dtype",
      message: `${bad} value(s) not representable as ${dtype} (psana loads ${exp.calibType} as ${dtype}); first at flat index ${firstBad}: ${String(v)}`
    });
  }
  return { ok: problems.length === 0, calibType: exp.calibType, shape: [...values.shape], fileDType: values.fileDType, dtype, count: n2, nanCount: nan, problems };
}
var scratch = new NdarrayValueBuffer();
function isAscii(bytes) {
  const n2 = bytes.length;
  let i = 0;
  while (i < n2 && (bytes.byteOffset + i) % 4 !== 0) if (bytes[i++] & 128) return false;
  const words = n2 - i >>> 2;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    let acc = 0;
    for (let k = 0; k < words; k++) acc |= w[k];
    if (acc & 2155905152) return false;
    i += 4 * words;
  }
  for (; i < n2; i++) if (bytes[i] & 128) return false;
  return true;
}
function isUtf8(bytes) {
  if (isAscii(bytes)) return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
function checkCalibFile(bytes, exp, file, options = {}) {
  const info = getCalibType(exp.calibType);
  if (!isUtf8(bytes)) return failed(exp, "text", "not UTF-8 text; psana calibration files are text");
  if (info?.content === "text") {
    const text = new TextDecoder().decode(bytes);
    if (text.trim() === "") return failed(exp, "empty", "empty file");
    if (text.includes("\0")) return failed(exp, "text", "contains NUL bytes");
    return { report: { ok: true, calibType: exp.calibType, shape: [], fileDType: void 0, dtype: void 0, count: 0, nanCount: 0, problems: [] } };
  }
  const keep = options.keepValues !== false;
  let parsed;
  try {
    parsed = parseNdarrayTextBytes(bytes, { file, dtype: "float64", ...keep ? {} : { valueBuffer: scratch } });
  } catch (err) {
    if (err instanceof NdarrayFileError) return failed(exp, "parse", err.message);
    throw err;
  }
  const fileDType = parsed.hasMetadata && parsed.header.DTYPE ? parseDTypeName(parsed.header.DTYPE) : "float32";
  const data = parsed.array.data;
  const shape = [...parsed.array.shape];
  const report = validateConstants({ data, shape, fileDType }, info?.content === "table" ? { ...exp, shape: void 0 } : exp);
  return keep ? { report, values: { data, shape } } : { report };
}
function failed(exp, code, message) {
  return {
    report: { ok: false, calibType: exp.calibType, shape: [], fileDType: void 0, dtype: exp.dtype ?? getCalibType(exp.calibType)?.dtype, count: 0, nanCount: 0, problems: [{ code, message }] }
  };
}
function assertValid(report, file) {
  if (report.ok) return;
  const what = `refusing to deploy ${file ?? "constants"} as ${report.calibType}`;
  throw new CalibStoreError(`${what}: ${report.problems.map((p) => p.message).join("; ")}`);
}

// src/deploy/quality.ts
var DEFAULT_CHANGE_THRESHOLDS = {
  pedestals: 10,
  pixel_rms: 1,
  pixel_gain: 0.05,
  pixel_bkgd: 10,
  pixel_offset: 10
};
var STATUS_TYPES = /* @__PURE__ */ new Set(["pixel_status", "status_data", "status_extra", "pixel_status_extra", "pixel_mask"]);
function compareConstants(next, current, opts) {
  const n2 = shapeSize(next.shape);
  if (n2 !== shapeSize(current.shape) || n2 !== next.data.length || n2 !== current.data.length) {
    throw new CalibStoreError(
      `cannot compare ${opts.calibType}: new shape (${next.shape.join(",")}) has ${next.data.length} values, current (${current.shape.join(",")}) has ${current.data.length}`
    );
  }
  const status = STATUS_TYPES.has(opts.calibType);
  const isBad = opts.calibType === "pixel_mask" ? (v) => v === 0 : (v) => v !== 0;
  const threshold = opts.threshold ?? (status ? 0 : DEFAULT_CHANGE_THRESHOLDS[opts.calibType] ?? 0);
  const nseg = opts.segments ?? (next.shape.length >= 3 ? next.shape[0] : 1);
  if (!Number.isInteger(nseg) || nseg < 1 || n2 % nseg !== 0) {
    throw new CalibStoreError(`cannot split ${n2} pixels into ${nseg} equal segments`);
  }
  const per = n2 / nseg;
  const segments = [];
  const acc = newAcc();
  for (let s = 0; s < nseg; s++) {
    const a = newAcc();
    for (let i = s * per; i < (s + 1) * per; i++) add(a, next.data[i], current.data[i], threshold, status ? isBad : void 0);
    segments.push(finish(a, s));
    merge(acc, a);
  }
  return { calibType: opts.calibType, kind: status ? "status" : "values", threshold, shape: [...next.shape], segments, total: finish(acc, -1) };
}
function newAcc() {
  return { pixels: 0, finite: 0, sumOld: 0, sumNew: 0, maxAbs: 0, changed: 0, badOld: 0, badNew: 0, newBad: 0, fixed: 0, nonFinite: 0 };
}
function add(a, nv, ov, thr, isBad) {
  a.pixels++;
  if (!Number.isFinite(nv) || !Number.isFinite(ov)) {
    a.nonFinite++;
    return;
  }
  a.finite++;
  a.sumOld += ov;
  a.sumNew += nv;
  const d = Math.abs(nv - ov);
  if (d > a.maxAbs) a.maxAbs = d;
  if (d > thr) a.changed++;
  if (isBad) {
    const bo = isBad(ov);
    const bn = isBad(nv);
    if (bo) a.badOld++;
    if (bn) a.badNew++;
    if (bn && !bo) a.newBad++;
    if (bo && !bn) a.fixed++;
  }
}
function merge(t2, a) {
  for (const k of Object.keys(t2)) t2[k] = k === "maxAbs" ? Math.max(t2[k], a[k]) : t2[k] + a[k];
}
function finish(a, segment) {
  const meanOld = a.finite ? a.sumOld / a.finite : NaN;
  const meanNew = a.finite ? a.sumNew / a.finite : NaN;
  return {
    segment,
    pixels: a.pixels,
    meanOld,
    meanNew,
    meanShift: meanNew - meanOld,
    maxAbsChange: a.maxAbs,
    changed: a.changed,
    fractionChanged: a.pixels ? a.changed / a.pixels : 0,
    badOld: a.badOld,
    badNew: a.badNew,
    newBad: a.newBad,
    fixed: a.fixed,
    nonFinite: a.nonFinite
  };
}

// src/node/calib-store-fs.ts
import { promises as fsp3 } from "node:fs";
import * as path6 from "node:path";
import lockfile from "proper-lockfile";
var LOCK_NAME = ".calibman.lock";
function storeError(p, err, op) {
  if (err instanceof CalibStoreError) return err;
  const e = err;
  const reason = e?.code === "ENOENT" ? "no such file or directory" : e?.code === "EACCES" || e?.code === "EPERM" ? "permission denied" : e?.code === "EROFS" ? "read-only file system" : e?.code === "ENOTDIR" ? "a path component is not a directory" : e?.code === "ENOSPC" ? "no space left on device" : e?.message ?? String(err);
  return new CalibStoreError(`cannot ${op}: ${reason}`, { path: p });
}
async function listDir(dir) {
  try {
    return await fsp3.readdir(dir);
  } catch (err) {
    if (err.code === "ENOENT") return [];
    throw storeError(dir, err, "list directory");
  }
}
async function listSubdirs(dir) {
  try {
    const ents = await fsp3.readdir(dir, { withFileTypes: true });
    return ents.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if (err.code === "ENOENT" || err.code === "ENOTDIR") return [];
    throw storeError(dir, err, "list directory");
  }
}
async function pathExists(p) {
  try {
    await fsp3.lstat(p);
    return true;
  } catch {
    return false;
  }
}
async function resolveGroup(group) {
  if (typeof group === "number" || /^\d+$/.test(group)) return Number(group);
  let text = "";
  try {
    text = await fsp3.readFile("/etc/group", "utf8");
  } catch {
  }
  for (const line of text.split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === group && gid !== void 0 && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new ConfigError("group", `unknown group "${group}" on this host (not in /etc/group); give a known group name or a numeric gid`);
}
async function applyModeAndGroup(p, mode, gid, warnings) {
  if (mode !== void 0) await fsp3.chmod(p, mode).catch((err) => warnings.push(`chmod ${mode.toString(8)} ${p}: ${err.message}`));
  if (gid !== void 0) await fsp3.chown(p, -1, gid).catch((err) => warnings.push(`chgrp ${gid} ${p}: ${err.message}`));
}
async function makeDirs(dirs, mode, gid, warnings) {
  const created = [];
  for (const d of dirs) {
    try {
      await fsp3.mkdir(d, { mode });
      created.push(d);
      await applyModeAndGroup(d, mode, gid, warnings);
    } catch (err) {
      const code = err.code;
      if (code === "EEXIST") {
        const st = await fsp3.stat(d).catch(() => void 0);
        if (st?.isDirectory()) continue;
        throw new CalibStoreError("exists and is not a directory", { path: d });
      }
      if (code === "ENOENT") throw new CalibStoreError(`cannot create directory: the parent ${path6.dirname(d)} does not exist`, { path: d });
      throw storeError(d, err, "create directory");
    }
  }
  return created;
}
async function withTypeDirLock(dirs, fn, opts = {}) {
  const unique = [...new Set(dirs.map((d) => path6.resolve(d)))].sort();
  const releases = [];
  const timeout = opts.timeoutMs ?? 6e4;
  const state = {};
  try {
    for (const d of unique) {
      releases.push(await lockOne(d, timeout, state));
    }
    const result = await fn();
    if (state.compromised) {
      throw new CalibStoreError(`the lock was lost while writing (${state.compromised.message}); check the directory and HISTORY`);
    }
    return result;
  } finally {
    for (const r2 of releases.reverse()) await r2().catch(() => void 0);
  }
}
async function lockOne(dir, timeoutMs, state) {
  const start = Date.now();
  for (; ; ) {
    try {
      return await lockfile.lock(dir, {
        lockfilePath: path6.join(dir, LOCK_NAME),
        realpath: false,
        stale: 2e4,
        retries: { retries: 20, factor: 1.3, minTimeout: 5, maxTimeout: 200, randomize: true },
        onCompromised: (err) => {
          state.compromised = err;
        }
      });
    } catch (err) {
      const code = err.code;
      if (code === "ELOCKED" && Date.now() - start < timeoutMs) continue;
      if (code === "ELOCKED") throw new CalibStoreError(`another writer holds the lock for more than ${timeoutMs} ms`, { path: dir });
      throw storeError(dir, err, "lock directory");
    }
  }
}

// src/node/calib-store-write.ts
import { promises as fsp4 } from "node:fs";
import { createHash } from "node:crypto";
import * as path7 from "node:path";
function toRange(r2) {
  return typeof r2 === "string" ? parseRunRange(r2) : parseRunRange(`${r2.begin}-${r2.end}`);
}
async function readPooled(file, what = "read input file") {
  let handle;
  let buf;
  try {
    handle = await fsp4.open(file, "r");
    const size = (await handle.stat()).size;
    buf = borrowBytes(size + 1);
    let n2 = 0;
    for (; ; ) {
      if (n2 === buf.length) {
        const bigger = borrowBytes(2 * buf.length);
        bigger.set(buf);
        releaseBytes(buf);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, n2, buf.length - n2, n2);
      if (bytesRead === 0) break;
      n2 += bytesRead;
    }
    return { buf, bytes: buf.subarray(0, n2) };
  } catch (err) {
    if (buf) releaseBytes(buf);
    throw storeError(file, err, what);
  } finally {
    await handle?.close().catch(() => void 0);
  }
}
function sha256(bytes) {
  return createHash("sha256").update(bytes).digest("hex");
}
async function loadInput(file, validate) {
  const r2 = await readPooled(file);
  try {
    const validation = validate(r2.bytes);
    return { size: r2.bytes.length, digest: sha256(r2.bytes), validation };
  } finally {
    releaseBytes(r2.buf);
  }
}
async function withJobContent(job, fn) {
  if (job.content) return fn(job.content);
  const r2 = await readPooled(job.file);
  try {
    if (r2.bytes.length !== job.size || sha256(r2.bytes) !== job.digest) {
      throw new CalibStoreError("the input file changed after it was validated; nothing written", { path: job.file });
    }
    return await fn(r2.bytes);
  } finally {
    releaseBytes(r2.buf);
  }
}
async function sameContent(file, content) {
  const st = await fsp4.stat(file).catch(() => void 0);
  if (!st || st.size !== content.length) return false;
  const old = await readPooled(file, "read").catch(() => void 0);
  if (!old) return false;
  try {
    return sameBytes(old.bytes, content);
  } finally {
    releaseBytes(old.buf);
  }
}
function sameBytes(a, b) {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}
var StoreWriter = class {
  constructor(s) {
    this.s = s;
  }
  s;
  async prepareDeploy(req) {
    checkType(req.type);
    if (req.srcFile === void 0 === (req.bytes === void 0)) throw new CalibStoreError("deploy: give exactly one of srcFile and bytes");
    const range = toRange(req.runRange);
    const source2 = sourceDirName(req.source);
    const group = req.group ?? calibGroupForSource(source2);
    const label = req.srcFile ?? req.label ?? "<bytes>";
    const validate = (bytes) => {
      if (req.expect === false) return void 0;
      const report = checkCalibFile(bytes, { calibType: req.type, shape: req.expect?.shape, dtype: req.expect?.dtype }, label, { keepValues: false }).report;
      assertValid(report, label);
      return report;
    };
    const input = req.bytes ? { content: req.bytes, size: req.bytes.length, validation: validate(req.bytes) } : { file: req.srcFile, ...await loadInput(req.srcFile, validate) };
    return {
      ...input,
      fromLabel: label,
      group,
      source: source2,
      type: req.type,
      range,
      comment: req.comment ?? "calibman-deploy",
      run: req.run ?? range.begin,
      experiment: req.experiment ?? this.s.experiment,
      dryRun: Boolean(req.dryRun)
    };
  }
  deploy(req) {
    return this.prepareDeploy(req).then((job) => this.write(job));
  }
  async deployAll(reqs) {
    const jobs = [];
    for (const r2 of reqs) jobs.push(await this.prepareDeploy(r2));
    const out = [];
    for (const j of jobs) out.push(await this.write(j));
    return out;
  }
  async copy(req, move) {
    const from = path7.resolve(req.from);
    const loc = splitCalibFilePath(from);
    if (path7.basename(from) === "HISTORY") throw new CalibStoreError("HISTORY files are not copied", { path: from });
    if (!loc && (req.source === void 0 || req.type === void 0)) {
      throw new CalibStoreError("not inside a calib store (expected .../calib/<group>/<source>/<type>/<file>); give the target source and type", { path: from });
    }
    const type = req.type ?? loc.type;
    checkType(type);
    const source2 = req.source !== void 0 ? sourceDirName(req.source) : loc.source;
    const group = req.group ?? (req.source !== void 0 || !loc ? calibGroupForSource(source2) : loc.group);
    const range = toRange(req.runRange);
    const input = await loadInput(from, (bytes) => {
      if (req.validate === false) return void 0;
      const report = checkCalibFile(bytes, { calibType: type }, from, { keepValues: false }).report;
      assertValid(report, from);
      return report;
    });
    const target = joinPath(this.s.calibDir, group, source2, type, calibFileName(range));
    if (move && path7.resolve(target) === from) throw new CalibStoreError("move onto itself", { path: from });
    return this.write({
      file: from,
      ...input,
      fromLabel: req.from,
      group,
      source: source2,
      type,
      range,
      comment: req.comment ?? "single-file-manager",
      run: req.run ?? range.begin,
      experiment: req.experiment ?? this.s.experiment,
      dryRun: Boolean(req.dryRun),
      removeInput: move ? from : void 0
    });
  }
  history(dir) {
    return this.s.historyFileName ? joinPath(dir, this.s.historyFileName) : void 0;
  }
  async write(job) {
    const { calibDir, dirMode, gid } = this.s;
    const groupDir = joinPath(calibDir, job.group);
    const srcDir = joinPath(groupDir, job.source);
    const typeDir = joinPath(srcDir, job.type);
    const name = calibFileName(job.range);
    const target = joinPath(typeDir, name);
    const ops = [];
    const warnings = [];
    if (path7.basename(calibDir) !== "calib") warnings.push(`${calibDir}: last path component is not "calib" (psana tools expect <exp>/calib)`);
    const dirs = [calibDir, groupDir, srcDir, typeDir];
    const ctx = this.s.context();
    const fields = { copyOf: job.fromLabel, experiment: job.experiment, run: job.run, comment: job.comment };
    const inputDir = job.removeInput ? path7.dirname(job.removeInput) : void 0;
    const plan = async (content) => {
      const names = await listDir(typeDir);
      let backup2;
      let unchanged = false;
      if (names.includes(name)) {
        unchanged = await sameContent(target, content);
        if (!unchanged) backup2 = backupName(name, ctx.time, (n2) => names.includes(n2));
      }
      return { backup: backup2, unchanged };
    };
    const mkdirOp = (d) => ({ op: "mkdir", path: d, mode: dirMode, group: this.s.group });
    if (job.dryRun) {
      for (const d of dirs) if (!await pathExists(d)) ops.push(mkdirOp(d));
      const { backup: backup2 } = await withJobContent(job, plan);
      this.planSteps(ops, job, typeDir, target, backup2, fields, ctx, inputDir);
      return { dryRun: true, target, backup: backup2, operations: ops, validation: job.validation, warnings };
    }
    for (const d of await makeDirs(dirs, dirMode, gid, warnings)) ops.push(mkdirOp(d));
    const backup = await withTypeDirLock(
      inputDir && inputDir !== typeDir ? [typeDir, inputDir] : [typeDir],
      () => withJobContent(job, async (content) => {
        const { backup: backup2 } = await plan(content);
        const steps = [];
        this.planSteps(steps, job, typeDir, target, backup2, fields, ctx, inputDir);
        for (const st of steps) await this.execute(st, content, warnings);
        ops.push(...steps);
        return backup2;
      }),
      { timeoutMs: this.s.lockTimeoutMs }
    );
    return { dryRun: false, target, backup, operations: ops, validation: job.validation, warnings };
  }
  planSteps(ops, job, typeDir, target, backup, fields, ctx, inputDir) {
    const hist = this.history(typeDir);
    if (backup) {
      ops.push({ op: "backup", from: target, to: joinPath(typeDir, backup) });
      if (hist) ops.push({ op: "history", path: hist, record: formatDeployRecord({ ...fields, file: backup, copyOf: target, comment: "kept-before-overwrite" }, ctx) });
    }
    ops.push({ op: "copy", from: job.fromLabel, to: target, bytes: job.size });
    if (job.removeInput) {
      ops.push({ op: "remove", path: job.removeInput });
      const inHist = inputDir ? this.history(inputDir) : void 0;
      if (inHist && inHist !== hist) ops.push({ op: "history", path: inHist, record: formatDeleteRecord(path7.basename(job.removeInput), `moved-to:${target}`, ctx) });
    }
    if (hist) ops.push({ op: "history", path: hist, record: formatDeployRecord({ ...fields, file: path7.basename(target) }, ctx) });
  }
  async execute(op, content, warnings) {
    const { fileMode, gid } = this.s;
    switch (op.op) {
      case "mkdir":
        return;
      case "backup":
        try {
          await fsp4.link(op.from, op.to);
        } catch {
          await fsp4.copyFile(op.from, op.to, fsp4.constants?.COPYFILE_EXCL ?? 1).catch((err) => {
            throw storeError(op.to, err, "keep the existing file");
          });
        }
        return;
      case "copy":
        try {
          await writeFileAtomic(op.to, content, { mode: fileMode, mkdirs: false });
        } catch (err) {
          throw new CalibStoreError(`cannot write: ${err.message}`, { path: op.to });
        }
        if (gid !== void 0) await applyModeAndGroup(op.to, void 0, gid, warnings);
        return;
      case "remove":
        await fsp4.unlink(op.path).catch((err) => {
          throw storeError(op.path, err, "remove");
        });
        return;
      case "history": {
        const isNew = !await pathExists(op.path);
        if (isNew && op.record.includes("  cmd:rm")) return;
        await fsp4.appendFile(op.path, op.record, { mode: fileMode }).catch((err) => {
          throw storeError(op.path, err, "append HISTORY record");
        });
        if (isNew) await applyModeAndGroup(op.path, fileMode, gid, warnings);
        return;
      }
    }
  }
  async remove(req) {
    let file;
    if (req.path !== void 0) {
      file = path7.resolve(req.path);
    } else {
      if (req.source === void 0 || req.type === void 0 || req.file === void 0) {
        throw new CalibStoreError("remove: give a path, or source, type and file");
      }
      checkType(req.type);
      const source2 = sourceDirName(req.source);
      const name2 = req.file.endsWith(".data") ? req.file : `${req.file}.data`;
      file = joinPath(this.s.calibDir, req.group ?? calibGroupForSource(source2), source2, req.type, name2);
    }
    const name = path7.basename(file);
    if (name === "HISTORY") throw new CalibStoreError("HISTORY files are not deleted", { path: file });
    if (typeof parseCalibFileName(name) === "string") throw new CalibStoreError("not a calib file (<begin>-<end>.data)", { path: file });
    if (!splitCalibFilePath(file)) throw new CalibStoreError("not inside a calib store (.../<group>/<source>/<type>/<file>)", { path: file });
    if (!await pathExists(file)) throw new CalibStoreError("no such calib file", { path: file });
    const typeDir = path7.dirname(file);
    const ctx = this.s.context();
    const comment = req.comment ?? "single-file-manager";
    const keep = req.keepBackup !== false;
    const hist = this.history(typeDir);
    const steps = async () => {
      const names = await listDir(typeDir);
      if (!names.includes(name)) throw new CalibStoreError("no such calib file", { path: file });
      const backup = keep ? backupName(name, ctx.time, (n2) => names.includes(n2)) : void 0;
      const ops = [];
      if (backup) ops.push({ op: "backup", from: file, to: joinPath(typeDir, backup) });
      ops.push({ op: "remove", path: file });
      if (hist) ops.push({ op: "history", path: hist, record: formatDeleteRecord(name, backup ? `${comment} kept-as:${backup}` : comment, ctx) });
      return { ops, backup };
    };
    if (req.dryRun) {
      const { ops, backup } = await steps();
      return { dryRun: true, target: file, backup, operations: ops, validation: void 0, warnings: [] };
    }
    const warnings = [];
    return withTypeDirLock(
      [typeDir],
      async () => {
        const { ops, backup } = await steps();
        for (const op of ops) await this.execute(op, new Uint8Array(0), warnings);
        return { dryRun: false, target: file, backup, operations: ops, validation: void 0, warnings };
      },
      { timeoutMs: this.s.lockTimeoutMs }
    );
  }
};

// src/node/calib-store.ts
function visible(names) {
  return names.filter((n2) => !n2.startsWith("."));
}
var CalibStore = class {
  calibDir;
  settings;
  writer;
  /** Use {@link openCalibStore}. */
  constructor(settings) {
    this.calibDir = settings.calibDir;
    this.settings = settings;
    this.writer = new StoreWriter(settings);
  }
  /** `<calib>/<group>/<source>/<type>` of an address. */
  typeDir(a) {
    return calibTypeDir(this.calibDir, a.source, a.type, a.group);
  }
  /** Names in a type directory (missing → empty; dot-files left out). */
  async list(a) {
    return visible(await listDir(this.typeDir(a)));
  }
  /** The file psana uses for `run` (psana's C++ finder rules), with every candidate's verdict. */
  async find(a) {
    const typeDir = this.typeDir(a);
    const result = findCalibFile(visible(await listDir(typeDir)), a.run);
    return { ...result, typeDir, path: result.file ? joinPath(typeDir, result.file) : void 0 };
  }
  /** HISTORY records of a type directory (both CalibManager and PSCalib formats); missing → empty. */
  async history(a) {
    const p = joinPath(this.typeDir(a), this.settings.historyFileName || "HISTORY");
    try {
      return parseHistory(await fsp5.readFile(p, "utf8"));
    } catch (err) {
      if (err.code === "ENOENT") return [];
      throw storeError(p, err, "read");
    }
  }
  /**
   * Every type directory of the store (or of one source) with its files' effective run ranges — what
   * CalibManager's Status panel shows, computed exactly.
   */
  async status(filter = {}) {
    try {
      await fsp5.access(this.calibDir);
    } catch (err) {
      throw storeError(this.calibDir, err, "open calib directory");
    }
    const wanted = filter.source !== void 0 ? sourceDirName(filter.source) : void 0;
    const types = [];
    for (const group of await listSubdirs(this.calibDir)) {
      if (!group.includes("::")) continue;
      for (const source2 of await listSubdirs(joinPath(this.calibDir, group))) {
        if (!isSourceDirName(source2) || wanted && source2 !== wanted) continue;
        for (const type of await listSubdirs(joinPath(this.calibDir, group, source2))) {
          if (type.startsWith(".")) continue;
          const dir = joinPath(this.calibDir, group, source2, type);
          const names = visible(await listDir(dir));
          const cov = calibFileCoverage(names);
          const history = names.includes("HISTORY") ? (await this.history({ source: source2, type, group })).length : 0;
          types.push({ group, source: source2, type, dir, files: cov.files, ignored: cov.skipped, historyRecords: history });
        }
      }
    }
    return { calibDir: this.calibDir, types };
  }
  /**
   * Quality check before deployment: compare the constants in `newFile` with those valid for `run` today
   * (per-segment mean shift, fraction changed beyond `threshold`, new bad pixels for status).
   */
  async diff(req) {
    const fresh = checkCalibFile(await readBytes(req.newFile), { calibType: req.type, shape: req.shape, dtype: req.dtype }, req.newFile);
    const found = await this.find(req);
    if (!found.path || !fresh.values) return { current: found.path, newValidation: fresh.report, report: void 0 };
    const old = checkCalibFile(await readBytes(found.path), { calibType: req.type }, found.path);
    if (!old.values) throw new CalibStoreError(`current constants cannot be read: ${old.report.problems.map((p) => p.message).join("; ")}`, { path: found.path });
    const report = compareConstants(fresh.values, old.values, { calibType: req.type, threshold: req.threshold });
    return { current: found.path, newValidation: fresh.report, report };
  }
  /** Validate and write one file as `<range>.data` (see {@link DeployRequest}). */
  deploy(req) {
    return this.writer.deploy(req);
  }
  /** Validate every request first, then deploy them in order (the dark deployment list). */
  deployAll(reqs) {
    return this.writer.deployAll(reqs);
  }
  /** Copy a calib file (possibly from another experiment's store) into this store with a new run range. */
  copy(req) {
    return this.writer.copy(req, false);
  }
  /** As {@link copy}, then remove the input file. */
  move(req) {
    return this.writer.copy(req, true);
  }
  /** Delete a calib file (kept as a timestamped backup unless `keepBackup: false`), with a HISTORY record. */
  remove(req) {
    return this.writer.remove(req);
  }
};
async function readBytes(file) {
  try {
    return new Uint8Array(await fsp5.readFile(file));
  } catch (err) {
    throw storeError(file, err, "read");
  }
}
function defaultUser() {
  try {
    return os2.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? "unknown";
  }
}
async function openCalibStore(dir, options = {}) {
  const calibDir = path8.resolve(dir);
  const gid = options.group !== void 0 ? await resolveGroup(options.group) : void 0;
  const user = options.user ?? defaultUser();
  const host = options.host ?? os2.hostname();
  const now = options.now ?? (() => /* @__PURE__ */ new Date());
  return new CalibStore({
    calibDir,
    dirMode: options.dirMode ?? 1533,
    fileMode: options.fileMode ?? 436,
    gid,
    group: options.group !== void 0 ? String(options.group) : void 0,
    historyFileName: options.historyFileName ?? "HISTORY",
    experiment: options.experiment ?? experimentFromCalibDir(calibDir),
    lockTimeoutMs: options.lockTimeoutMs ?? 6e4,
    context: () => ({ user, host, time: now() })
  });
}

// ../../tmp/calibout/out.mts
var n = 32 * 185 * 388;
var sh = [32, 185, 388];
var seed = 7;
var r = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
var arrays = {
  pedestals: ndarrayOf(Float64Array.from({ length: n }, () => 1e3 + r() * 200), sh),
  pixel_rms: ndarrayOf(Float64Array.from({ length: n }, () => r() * 10), sh),
  pixel_status: ndarrayOf(BigUint64Array.from({ length: n }, (_, i) => i % 1e3 === 0 ? 1n : 0n), sh),
  mask: ndarrayOf(Int16Array.from({ length: n }, (_, i) => i % 1e3 === 0 ? 0 : 1), sh),
  max: ndarrayOf(Int16Array.from({ length: n }, () => 1100 + Math.floor(r() * 300)), sh),
  min: ndarrayOf(Int32Array.from({ length: n }, () => 900 + Math.floor(r() * 100)), sh),
  statistics: 999,
  dtypes: { pedestals: "float64", pixel_rms: "float64", pixel_status: "uint64", mask: "int16", max: "int16", min: "int32" }
};
var source = "CxiDs1.0:Cspad.0";
for (let rep = 0; rep < 3; rep++) {
  const dir = mkdtempSync(join7(tmpdir(), "calibout-"));
  const t0 = performance.now();
  const work = await writeDarkOutputs([{ source, detector: "CSPAD", frames: 1e3, damaged: 0, shape: sh, arrays }], { resultsDir: join7(dir, "work"), prefix: "clb-", experiment: "cxi12345", run: 1, dataset: "exp=cxi12345:run=1", formatWorkers: Number(process.env.FW ?? 1) });
  const t1 = performance.now();
  const f = work.get(source);
  const store = await openCalibStore(join7(dir, "calib"), { experiment: "cxi12345" });
  await store.deployAll([["pedestals", f.ave], ["pixel_rms", f.rms], ["pixel_status", f.sta]].map(([type, srcFile]) => ({ srcFile, source, type, runRange: "1-end", comment: "calibrun-dark", run: 1 })));
  const t2 = performance.now();
  console.log(`format+write ${(t1 - t0).toFixed(0)} ms, deploy ${(t2 - t1).toFixed(0)} ms`);
  rmSync(dir, { recursive: true, force: true });
}
/*! Bundled license information:

is-buffer/index.js:
  (*!
   * Determine if an object is a Buffer
   *
   * @author   Feross Aboukhadijeh <https://feross.org>
   * @license  MIT
   *)
*/
