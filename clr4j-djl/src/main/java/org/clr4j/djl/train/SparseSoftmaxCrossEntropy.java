package org.clr4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Mean softmax cross-entropy of logits {@code (n, classes)} against class indices {@code (n)}: the same values and
 * gradients as DJL's {@code Loss.softmaxCrossEntropyLoss()}, bit for bit, in fewer native calls. DJL's picks the
 * label's log-probability through its general indexer ({@code NDIndex.addPickDim}), which reshapes and converts the
 * index on every step; a {@code gather} on an {@code (n, 1)} index does it in one operator. Labels are class
 * indices, int64 (gather's index type: no conversion); see docs/BENCHMARKS.md, "PyTorch's threads", for the gain.
 */
public final class SparseSoftmaxCrossEntropy extends Loss {

  public SparseSoftmaxCrossEntropy() {
    super("SoftmaxCrossEntropyLoss"); // the name DJL's loss reports, so logs and metrics read the same
  }

  @Override
  public NDArray evaluate(NDList label, NDList prediction) {
    NDArray logProbabilities = prediction.singletonOrThrow().logSoftmax(1);
    NDArray classes = label.singletonOrThrow().reshape(-1, 1);
    // -mean(x) equals mean(-x) exactly: negation is exact and rounding is symmetric in sign.
    return logProbabilities.gather(classes, 1).mean().neg();
  }
}
