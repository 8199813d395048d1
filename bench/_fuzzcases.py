"""Seeded damaged inputs for bench/fuzz.py, and the check each one must pass.

A case is a pure function of (kind, seed): the same seed gives the same bytes.
Event-file cases start from one realistic file (every dashboard's kind of
summary, written with TensorBoard's RecordWriter) and damage it either in the
framing (bytes flipped, cut, inserted or deleted anywhere; CRCs then fail) or,
more often, inside one record with the CRCs recomputed, so the damage reaches
the decoders. `check` reads a case the way the Board's worker does (board.feed,
board.summary, then every card's call) and reports what went wrong.
"""

import io
import traceback

import numpy as np

N_RECORDS = 120
VARINT_HUGE = b"\xff" * 9 + b"\x01"


def _summary_values(i, pb):
    """The values written at record `i`: a mix of every kind the Board draws."""
    s, t = pb["summary"], pb["tensor"]
    meta = lambda name: s.SummaryMetadata(plugin_data=s.SummaryMetadata.PluginData(plugin_name=name))  # noqa: E731
    kind = i % 6
    if kind == 0:
        return [s.Summary.Value(tag="loss", simple_value=1.0 / (i + 1))]
    if kind == 1:
        scalar = t.TensorProto(dtype=1, float_val=[i * 0.5])
        return [s.Summary.Value(tag="acc", metadata=meta("scalars"), tensor=scalar)]
    if kind == 2:
        h = s.HistogramProto(min=-1.0, max=2.0, num=6.0, sum=3.0, sum_squares=5.0,
                             bucket_limit=[-0.5, 0.0, 1.0, 2.0], bucket=[1.0, 2.0, 2.0, 1.0])
        return [s.Summary.Value(tag="weights", histo=h)]
    if kind == 3:
        img = s.Summary.Image(height=1, width=1, colorspace=3, encoded_image_string=b"\x89PNG\r\n\x1a\n" + bytes(8))
        return [s.Summary.Value(tag="sample", image=img)]
    if kind == 4:
        words = t.TensorProto(dtype=7, string_val=[f"note {i}".encode()],
                              tensor_shape={"dim": [{"size": 1}]})
        return [s.Summary.Value(tag="notes", metadata=meta("text"), tensor=words)]
    wav = b"RIFF" + bytes(40)
    return [s.Summary.Value(tag="speech", audio=s.Summary.Audio(sample_rate=8000.0, num_channels=1,
                                                                length_frames=4, encoded_audio_string=wav,
                                                                content_type="audio/wav"))]


def _protos():
    from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2, tensor_pb2
    return {"event": event_pb2, "summary": summary_pb2, "tensor": tensor_pb2, "graph": graph_pb2}


def base_payloads():
    """The undamaged file's records (serialized Events), in order."""
    pb = _protos()
    ev = pb["event"]
    out = [ev.Event(wall_time=1.7e9, file_version="brain.Event:2").SerializeToString()]
    g = pb["graph"].GraphDef()
    for name, op, inputs in (("x", "Placeholder", []), ("dense/w", "Const", []), ("dense/MatMul", "MatMul", ["x", "dense/w"])):
        g.node.add(name=name, op=op, input=inputs)
    out.append(ev.Event(wall_time=1.7e9, graph_def=g.SerializeToString()).SerializeToString())
    for i in range(N_RECORDS):
        e = ev.Event(wall_time=1.7e9 + i, step=i, summary=pb["summary"].Summary(value=_summary_values(i, pb)))
        out.append(e.SerializeToString())
    return out


def frame(payloads):
    """TFRecord-frame `payloads` with TensorBoard's own writer (correct CRCs)."""
    from tensorboard.summary.writer.record_writer import RecordWriter
    buf = io.BytesIO()
    w = RecordWriter(buf)
    for p in payloads:
        w.write(p)
    return buf.getvalue()


def _damage_payload(p, rng):
    """One record's bytes changed the way bit rot, bugs and attackers change them."""
    p = bytearray(p)
    how = int(rng.integers(6))
    at = int(rng.integers(len(p))) if p else 0
    if how == 0:  # a few bits flipped
        for _ in range(int(rng.integers(1, 4))):
            p[int(rng.integers(len(p)))] ^= 1 << int(rng.integers(8))
    elif how == 1:  # a huge varint where a length or number was
        p[at:at + 1] = VARINT_HUGE
    elif how == 2:  # random bytes inserted
        p[at:at] = rng.integers(0, 256, int(rng.integers(1, 64)), dtype=np.uint8).tobytes()
    elif how == 3:  # cut short
        del p[at:]
    elif how == 4:  # the whole record is noise
        p = bytearray(rng.integers(0, 256, len(p), dtype=np.uint8).tobytes())
    else:  # a length byte made larger than what follows
        p[at] = 0x7F
    return bytes(p)


def event_case(seed, payloads):
    """(file bytes, index of the first damaged record) for a seed; framing damage in 1 case of 3."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, len(payloads)))
    if rng.integers(3):  # inside record k, CRCs recomputed: the decoders see the damage
        damaged = payloads[:k] + [_damage_payload(payloads[k], rng)] + payloads[k + 1:]
        return frame(damaged), k
    data = bytearray(frame(payloads))
    start = len(frame(payloads[:k]))  # record k's header starts here
    at = start + int(rng.integers(len(frame([payloads[k]]))))
    how = int(rng.integers(4))
    if how == 0:
        data[at] ^= 1 << int(rng.integers(8))
    elif how == 1:
        del data[at:]
    elif how == 2:
        data[at:at] = rng.integers(0, 256, int(rng.integers(1, 32)), dtype=np.uint8).tobytes()
    else:
        del data[at:at + int(rng.integers(1, 32))]
    return bytes(data), k


def _board_calls(service, ctx, summary):
    """Every call the Board's dashboards make, for every run and tag."""
    calls = {"scalars": service.scalars, "histograms": service.histograms, "images": service.images,
             "audio": service.audio, "text": service.text}
    for run, kinds in summary["tags"].items():
        for kind, fn in calls.items():
            for tag in kinds.get(kind, {}):
                fn(ctx, run=run, tag=tag)
        service.graph(ctx, run=run)


def read_board(data, name="run/events.out.tfevents.1.fuzz"):
    """Feed `data` through the Board's worker calls; returns (summary, ctx)."""
    from nnlab.board import service
    from nnlab.protocol import Context
    ctx = Context()
    service.reset(ctx)
    service.feed(ctx, files={name: data})
    summary = service.summary(ctx)
    _board_calls(service, ctx, summary)
    return summary, ctx


def steps_by_series(ctx):
    """{(run, kind, tag): [steps]} of what the reader kept."""
    from nnlab.board import service
    reader = service._reader(ctx)
    out = {}
    for run in reader.runs:
        for kind, tags in reader.tags(run).items():
            for tag in tags:
                out[(run, kind, tag)] = reader.series(run, kind, tag).steps.tolist()
    return out


def check_event_case(seed, payloads):
    """Returns (kept_before_damage, n_warnings); raises what the reader let escape."""
    data, k = event_case(seed, payloads)
    _, ctx = read_board(data)
    _, clean_ctx = read_board(frame(payloads[:k]))
    got, want = steps_by_series(ctx), steps_by_series(clean_ctx)
    kept = all(got.get(key, [])[:len(steps)] == steps for key, steps in want.items())
    return kept, len(service_warnings(ctx))


def service_warnings(ctx):
    from nnlab.board import service
    return service._reader(ctx).warnings


HOSTILE_PIECES = [b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"nan", b"-inf", b"1e999", b"9" * 400, b"\t" * 50,
                  b"[" * 5000, b"{" * 5000, b"\n" * 20, b"\r", b'"', b"\\", b"<script>x</script>", "中文".encode(),
                  b"a" * 70000, b"{a{b{c" * 500]


def _mutate_text(base, rng):
    """A text file with a few hostile pieces put in, bytes flipped or the end cut."""
    data = bytearray(base)
    for _ in range(int(rng.integers(1, 4))):
        at = int(rng.integers(len(data) + 1))
        how = int(rng.integers(3))
        if how == 0:
            data[at:at] = HOSTILE_PIECES[int(rng.integers(len(HOSTILE_PIECES)))]
        elif how == 1 and data:
            data[min(at, len(data) - 1)] ^= 1 << int(rng.integers(8))
        else:
            del data[at:]
    return bytes(data)


def _bases():
    rows = "\n".join("\t".join(f"{(i * 7 + j) % 11 / 10:.2f}" for j in range(4)) for i in range(30))
    meta = "label\tcolour\n" + "\n".join(f"w{i}\t{'red' if i % 2 else 'blue'}" for i in range(30))
    config = ('{"embeddings": [{"tensorName": "t", "tensorShape": [30, 4], "tensorPath": "t.tsv", '
              '"metadataPath": "m.tsv", "sprite": {"imagePath": "s.png", "singleImageDim": [8, 8]}}], '
              '"modelCheckpointPath": "x"}')
    pbtxt = ('embeddings {\n  tensor_name: "t"\n  tensor_path: "t.tsv"\n  metadata_path: "m.tsv"\n'
             '  sprite { image_path: "s.png" single_image_dim: 8 single_image_dim: 8 }\n}\n')
    csv = "x,y,label\n" + "\n".join(f"{i / 10 - 1:.1f},{(i % 7) / 3 - 1:.2f},{1 if i % 2 else -1}" for i in range(30))
    return {"vectors": rows.encode(), "metadata": meta.encode(), "json": config.encode(),
            "pbtxt": pbtxt.encode(), "csv": csv.encode(), "bytes": np.arange(120, dtype="<f4").tobytes()}


def check_text_case(kind, seed):
    """Parse one damaged projector file or Playground CSV; raise if the parser let a foreign error out.

    Projector parsers may refuse a file, with our ParseError naming it; the
    Playground's CSV reader skips bad lines and reports them, never raises.
    """
    from nnlab.playground.datasets import parse_points_csv
    from nnlab.projector import io as pio
    from nnlab.projector.errors import ParseError
    rng = np.random.default_rng(seed)
    data = _mutate_text(_bases()[kind], rng)
    name = f"fuzz-{seed}.{kind}"
    if kind == "csv":
        try:
            parse_points_csv(data.decode("utf-8", "replace"))
        except ValueError as err:  # a refusal of the whole file is fine when it is ours, said in our words
            if "nnlab/playground" not in traceback.extract_tb(err.__traceback__)[-1].filename:
                raise
        return
    parse = {"vectors": lambda: pio.parse_vectors_tsv(data, name),
             "metadata": lambda: pio.parse_metadata_tsv(data, name),
             "json": lambda: pio.parse_config(data, name + ".json"),
             "pbtxt": lambda: pio.parse_config(data, name + ".pbtxt"),
             "bytes": lambda: pio.parse_vectors_bytes(data, [30, 4], name)}[kind]
    try:
        parse()
    except ParseError as err:
        if name not in str(err):
            raise AssertionError(f"ParseError without the file's name: {err}") from err


def _plugin_value(pb, tag, plugin, **tensor):
    s, t = pb["summary"], pb["tensor"]
    meta = s.SummaryMetadata(plugin_data=s.SummaryMetadata.PluginData(plugin_name=plugin))
    return s.Summary.Value(tag=tag, metadata=meta, tensor=t.TensorProto(**tensor))


def crafted_values(pb):
    """Values that are well-formed protobuf and hostile to what reads them (the classes users' files hit)."""
    s = pb["summary"]
    dims = lambda *d: {"dim": [{"size": x} for x in d]}  # noqa: E731
    return [
        _plugin_value(pb, "sample", "images", dtype=7, string_val=[b"abc", b"1", b"\x89PNG"], tensor_shape=dims(3)),
        _plugin_value(pb, "speech", "audio", dtype=7, tensor_shape=dims(3, 0)),
        _plugin_value(pb, "ints", "", dtype=6, int_val=[1000, -1000, 2 ** 31 - 1], tensor_shape=dims(3)),
        _plugin_value(pb, "acc", "scalars", dtype=1, float_val=[1.0], tensor_shape=dims(10 ** 9)),
        _plugin_value(pb, "notes", "text", dtype=7, string_val=[b"x"], tensor_shape=dims(10 ** 6, 10 ** 4)),
        _plugin_value(pb, "notes", "text", dtype=7, string_val=[b"\xff\xfe"], tensor_shape=dims(1)),
        _plugin_value(pb, "graph", "graph_keras_model", dtype=7, string_val=[b"{not json"], tensor_shape=dims(1)),
        _plugin_value(pb, "meta", "graph_run_metadata", dtype=7, string_val=[b"\xff" * 40], tensor_shape=dims(1)),
        _plugin_value(pb, "h", "histograms", dtype=2, double_val=[-np.inf, 1e308, 1.0, 1e308, np.inf, 2.0],
                      tensor_shape=dims(2, 3)),
        s.Summary.Value(tag="weights", histo=s.HistogramProto(min=-1e308, max=1e308, num=2.0, bucket_limit=[-1e308, 1e308, np.inf],
                                                              bucket=[1.0, np.nan, 1.0])),
        s.Summary.Value(tag="sample", image=s.Summary.Image(height=-5, width=2 ** 31 - 1, encoded_image_string=b"")),
        s.Summary.Value(tag="loss", simple_value=np.nan),
    ]


def crafted_payload(seed, pb):
    """A record from `crafted_values`, tags and plugin names sometimes swapped for same-length non-UTF-8 bytes."""
    rng = np.random.default_rng(seed)
    values = crafted_values(pb)
    picked = [values[int(i)] for i in rng.integers(len(values), size=int(rng.integers(1, 4)))]
    ev = pb["event"].Event(wall_time=1.8e9, step=int(rng.integers(-5, 2 ** 40)), summary=pb["summary"].Summary(value=picked))
    if rng.integers(3) == 0:  # graph bytes that are not a GraphDef
        ev = pb["event"].Event(wall_time=1.8e9, graph_def=rng.integers(0, 256, 64, dtype=np.uint8).tobytes())
    data = ev.SerializeToString()
    for token in (b"loss", b"notes", b"scalars", b"text", b"sample"):
        if rng.integers(4) == 0:  # protobuf's writer refuses such strings; files from other writers have them
            data = data.replace(token, bytes(rng.integers(0x80, 0x100, len(token), dtype=np.uint8)))
    return data


def check_crafted_case(seed, payloads):
    """Like check_event_case, with record k replaced by a crafted hostile one."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, len(payloads)))
    hostile = payloads[:k] + [crafted_payload(seed, _protos())] + payloads[k:]
    _, ctx = read_board(frame(hostile))
    _, clean_ctx = read_board(frame(payloads[:k]))
    got, want = steps_by_series(ctx), steps_by_series(clean_ctx)
    kept = all(got.get(key, [])[:len(steps)] == steps for key, steps in want.items())
    return kept, len(service_warnings(ctx))
