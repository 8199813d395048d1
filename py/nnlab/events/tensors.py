"""TensorProto -> numpy array, with TensorFlow's rules for the value fields.

Damaged tensors raise ValueError (the reader turns that into a warning naming
the record): values out of their dtype's range, and shapes that claim far more
elements than the record's bytes could describe.
"""

import math
from types import MappingProxyType

import numpy as np

from .proto import types_pb2

# DataType code -> (numpy dtype, TensorProto field that holds the values when tensor_content is empty)
_DTYPES = MappingProxyType({
    1: (np.float32, "float_val"), 2: (np.float64, "double_val"), 3: (np.int32, "int_val"),
    4: (np.uint8, "int_val"), 5: (np.int16, "int_val"), 6: (np.int8, "int_val"),
    7: (np.object_, "string_val"), 8: (np.complex64, "scomplex_val"), 9: (np.int64, "int64_val"),
    10: (np.bool_, "bool_val"), 11: (np.int8, "int_val"), 12: (np.uint8, "int_val"),
    13: (np.int32, "int_val"), 15: (np.int16, "int_val"), 16: (np.uint16, "int_val"),
    17: (np.uint16, "int_val"), 18: (np.complex128, "dcomplex_val"), 19: (np.float16, "half_val"),
    22: (np.uint32, "uint32_val"), 23: (np.uint64, "uint64_val"),
})
_BFLOAT16 = 14
# One stored value may fill a whole tensor (TensorFlow writes constant tensors so), but
# the expansion must stay bounded: beyond this, the shape is taken to be damaged.
MAX_EXPANDED_BYTES = 1 << 26
# Each string becomes a Python object (tens of bytes); more than this is refused.
MAX_STRINGS = 1 << 20


def dtype_name(code):
    """TensorFlow's name of a DataType code, e.g. 1 -> "DT_FLOAT"."""
    try:
        return types_pb2.DataType.Name(code)
    except ValueError:
        return f"DT_{code}"


def _bfloat16(bits):
    """bfloat16 bit patterns (uint16) -> float32: numpy has no bfloat16."""
    return (np.asarray(bits, dtype=np.uint32) << 16).view(np.float32)


def _typed(stored, dtype, name):
    """`stored` as an array of `dtype`; ValueError when a value does not fit it."""
    try:
        return np.array(stored, dtype=dtype)
    except OverflowError:  # numpy 2 refuses out-of-range ints instead of wrapping them
        info = np.iinfo(dtype)
        bad = next(v for v in stored if not info.min <= v <= info.max)
        raise ValueError(f"{name} value {bad} out of range for {np.dtype(dtype).name}") from None


def _check_count(count, stored, dtype):
    """Refuse shapes whose element count the stored values cannot plausibly fill."""
    if count < 0:
        raise ValueError("tensor shape has a negative dimension")
    if dtype is np.object_ and count > MAX_STRINGS:
        raise ValueError(f"string tensor of {count} elements (more than {MAX_STRINGS})")
    if stored == 1 and count * np.dtype(dtype).itemsize > MAX_EXPANDED_BYTES:
        raise ValueError(f"tensor shape claims {count} elements for one stored value")


def _from_fields(tensor, code, dtype, name, count):
    """Values from the typed repeated field; one stored value fills the whole tensor."""
    field = getattr(tensor, name)
    _check_count(count, len(field), dtype)
    stored = list(field)
    if code in (8, 18):  # complex: (real, imag) pairs
        stored = [complex(stored[i], stored[i + 1]) for i in range(0, len(stored) - 1, 2)]
    if code == 19:
        values = _typed(stored, np.uint16, name).view(np.float16)
    elif dtype is np.object_:
        values = np.empty(len(stored), dtype=object)
        values[:] = stored
    else:
        values = _typed(stored, dtype, name)
    if values.size == 1 and count != 1:
        values = np.repeat(values, count)
    return values


def to_array(tensor):
    """The value of a TensorProto as an ndarray.

    Parameters
    ----------
    tensor : nnlab.tf.TensorProto

    Returns
    -------
    ndarray
        Shaped as the tensor; DT_STRING gives an object array of bytes,
        DT_BFLOAT16 gives float32.

    Raises
    ------
    ValueError
        For a dtype numpy can't hold, values that don't fill the shape or don't
        fit the dtype, or a shape far larger than the stored values (see
        `MAX_EXPANDED_BYTES`, `MAX_STRINGS`).
    """
    shape = [d.size for d in tensor.tensor_shape.dim]
    # Python ints: np.prod wraps around silently past int64 (and int32 in wasm)
    count = math.prod(shape) if all(d >= 0 for d in shape) else -1
    code = tensor.dtype % 100  # *_REF types hold the same values
    if code == _BFLOAT16:
        if not tensor.tensor_content:
            _check_count(count, len(tensor.half_val), np.uint16)
        bits = (np.frombuffer(tensor.tensor_content, dtype="<u2") if tensor.tensor_content
                else _typed(list(tensor.half_val), np.uint16, "half_val"))
        values = _bfloat16(np.repeat(bits, count) if bits.size == 1 and count != 1 else bits)
        return values.reshape(shape)
    if code not in _DTYPES:
        raise ValueError(f"unsupported tensor dtype {dtype_name(tensor.dtype)}")
    dtype, name = _DTYPES[code]
    if tensor.tensor_content and dtype is not np.object_:
        _check_count(count, len(tensor.tensor_content) // np.dtype(dtype).itemsize, dtype)
        values = np.frombuffer(tensor.tensor_content, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
    else:
        values = _from_fields(tensor, code, dtype, name, count)
    if values.size != count:
        raise ValueError(f"tensor of shape {shape} holds {values.size} values")
    return values.reshape(shape)
