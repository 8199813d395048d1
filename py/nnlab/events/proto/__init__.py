"""Protobuf classes for event files: our own minimal copies of TensorFlow's messages.

Only the fields nnlab reads, with TensorFlow's field numbers (checked against
TensorBoard's copies by tests/unit/test_events_proto.py). The package is
``nnlab.tf`` and the files are registered as ``nnlab/events/proto/*.proto``, so
these classes never collide with TensorFlow's or TensorBoard's in the default
descriptor pool. Fields left out survive a parse as unknown fields.

The *_pb2.py files are generated and committed; they import under the
pure-Python protobuf runtime (what the browser has). Regenerate them with a
protoc of the runtime's major version (protobuf 6.x: grpcio-tools 1.74.0
bundles protoc 31.1), from the ``py`` folder::

    python -m grpc_tools.protoc -I. --python_out=. nnlab/events/proto/*.proto
"""


def parse(message_class, data):
    """``message_class.FromString(data)``, raising ValueError (saying which message) for bad bytes.

    Callers then need to know no protobuf exception type to skip a damaged message.
    """
    from google.protobuf.message import DecodeError  # the package itself imports no protobuf
    try:
        return message_class.FromString(data)
    except DecodeError as exc:
        raise ValueError(f"{len(data)} bytes are not a valid {message_class.__name__} ({exc})") from None
