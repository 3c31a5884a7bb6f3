"""Turn an integer ("best_int") Tesseract LSTM model back into a float one ``lstmtraining`` can fine-tune.

    python -m ocr.train.dequantize ara.lstm ara-float.lstm

``lstmtraining`` refuses to continue from an integer model, and the float ``tessdata_best`` ``ara``
model is not reachable from here. An integer model stores each weight row as int8 values and one scale
(the row's largest absolute weight / 127), so ``int8 * scale`` restores every weight to within half a
step of the float original. This rewrites each weight matrix that way and clears the recogniser's integer
flag; everything else (layers, names, learning rates, character set and recoder references) is copied
byte for byte. Format: Tesseract 4/5 ``Network::Serialize``, ``Plumbing``, ``LSTM``,
``FullyConnected`` and ``WeightMatrix`` (double format).
"""

from __future__ import annotations

import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

PLUMBING = {
    "Series", "Parallel", "Replicated", "ParBidiLSTM", "DepParUDLSTM", "Par2dLSTM",
    "RTLReversed", "TTBReversed", "XYTranspose",
}  # fmt: skip
RECONFIG = {"Convolve", "Maxpool", "Reconfig"}
LSTMS = {"LSTM", "SummLSTM", "LSTMSoftmax"}
FULLY_CONNECTED = {"Logistic", "LinLogistic", "LinTanh", "Tanh", "Relu", "Linear", "Softmax", "SoftmaxNoCTC"}
INT8_FLAG, DOUBLE_FLAG = 1, 128
LAYER_SPECIFIC_LR = 64
TF_INT_MODE = 1


class ModelFormatError(ValueError):
    """The file is not a Tesseract LSTM model this converter understands."""


@dataclass
class _Reader:
    data: bytes
    pos: int = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ModelFormatError("the model file ends early")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt: str) -> tuple[int | float, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt)))

    def int(self, fmt: str = "i") -> int:
        return int(self.unpack(fmt)[0])

    def string(self) -> str:
        return self.take(self.int("I")).decode()


@dataclass
class Conversion:
    """What was converted: one (rows, columns) pair per weight matrix, and the layer outline."""

    matrices: list[tuple[int, int]] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)

    @property
    def weights(self) -> int:
        return sum(rows * cols for rows, cols in self.matrices)


def _matrix(r: _Reader, out: bytearray, conv: Conversion) -> int:
    mode = r.int("B")
    if not mode & DOUBLE_FLAG:
        raise ModelFormatError("old-format weight matrix; only Tesseract 4.1+ models are supported")
    if not mode & INT8_FLAG:
        raise ModelFormatError("this model is already a float model")
    rows, cols = r.int("I"), r.int("I")
    r.take(1)  # the int8 array's 'empty' value
    quantised = np.frombuffer(r.take(rows * cols), dtype=np.int8).reshape(rows, cols)
    n_scales = r.int("I")
    scales = np.frombuffer(r.take(8 * n_scales), dtype="<f8")
    if n_scales < rows:
        raise ModelFormatError("fewer scales than weight rows")
    weights = quantised.astype(np.float64) * scales[:rows, None]
    out += struct.pack("<BIId", mode & ~INT8_FLAG, rows, cols, 0.0) + weights.astype("<f8").tobytes()
    conv.matrices.append((rows, cols))
    return rows


def _network(r: _Reader, out: bytearray, conv: Conversion, depth: int = 0) -> None:
    start = r.pos
    if r.int("b") != 0:
        raise ModelFormatError("unnamed layer types are not supported")
    kind = r.string()
    r.take(2)  # training state, needs-backprop
    flags, n_in, n_out, _n_weights = (r.int() for _ in range(4))
    name = r.string()
    out += r.data[start : r.pos]
    conv.layers.append(f"{'  ' * depth}{kind} {name} {n_in}->{n_out}")
    if kind in PLUMBING:
        count = r.int("I")
        out += struct.pack("<I", count)
        for _ in range(count):
            _network(r, out, conv, depth + 1)
        if flags & LAYER_SPECIFIC_LR:
            n_rates = r.int("I")
            out += struct.pack("<I", n_rates) + r.take(4 * n_rates)
    elif kind == "Input":
        out += r.take(20)  # StaticShape: batch, height, width, depth, loss type
    elif kind in RECONFIG:
        out += r.take(8)  # x and y scale (or half-widths)
    elif kind in LSTMS:
        n_all = r.int()
        out += struct.pack("<i", n_all)
        n_fed_back = n_out if kind == "LSTMSoftmax" else 0
        n_state = _matrix(r, out, conv)  # cell input
        two_dimensional = n_all - n_fed_back == n_in + 2 * n_state
        for _ in range(4 if two_dimensional else 3):  # input, forget(, 2-D forget), output gates
            _matrix(r, out, conv)
        if kind == "LSTMSoftmax":
            _network(r, out, conv, depth + 1)
    elif kind in FULLY_CONNECTED:
        _matrix(r, out, conv)
    else:
        raise ModelFormatError(f"layer type {kind!r} is not supported")


def dequantize(model: bytes) -> tuple[bytes, Conversion]:
    """The float version of an integer ``.lstm`` component (as ``combine_tessdata -u`` writes it)."""
    r, out, conv = _Reader(model), bytearray(), Conversion()
    _network(r, out, conv)
    spec = r.string()
    training_flags, iteration, sample_iteration, null_char = (r.int() for _ in range(4))
    if not training_flags & TF_INT_MODE:
        raise ModelFormatError("the recogniser is not marked as an integer model")
    out += struct.pack("<I", len(spec)) + spec.encode()
    out += struct.pack("<iiii", training_flags & ~TF_INT_MODE, iteration, sample_iteration, null_char)
    out += r.take(12)  # adam beta, learning rate, momentum
    out += r.data[r.pos :]  # character set and recoder, when stored in the component
    return bytes(out), conv


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    data, conv = dequantize(Path(args[0]).read_bytes())
    Path(args[1]).write_bytes(data)
    print(f"{len(conv.matrices)} weight matrices, {conv.weights} weights -> {args[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
