package org.clr4j.djl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SparseSoftmaxCrossEntropyTest {

  /** The loss and the logits' gradient, bit for bit equal to DJL's softmax cross-entropy with sparse labels. */
  @ParameterizedTest
  @ValueSource(strings = {"INT32", "INT64"})
  void equalsDjlsSoftmaxCrossEntropyBitForBit(String labelType) {
    Random random = new Random(7);
    int n = 37;
    int classes = 10;
    float[] logits = new float[n * classes];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (random.nextGaussian() * 4);
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(classes);
    }
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray y = m.create(labels, new Shape(n)).toType(DataType.valueOf(labelType), false);
      float[][] ours = lossAndGradient(new SparseSoftmaxCrossEntropy(), m, logits, n, classes, y);
      float[][] djl = lossAndGradient(Loss.softmaxCrossEntropyLoss(), m, logits, n, classes, y);
      assertEquals(Float.floatToRawIntBits(djl[0][0]), Float.floatToRawIntBits(ours[0][0]),
          "loss " + ours[0][0] + " vs DJL's " + djl[0][0]);
      assertArrayEquals(djl[1], ours[1], 0f);
      // Not a constant: the gradient is softmax minus the one-hot label, over n.
      assertTrue(ours[0][0] > 0 && Math.abs(ours[1][labels[0]]) > 0, "loss " + ours[0][0]);
    }
  }

  private static float[][] lossAndGradient(Loss loss, NDManager m, float[] logits, int n, int classes, NDArray y) {
    NDArray x = m.create(logits, new Shape(n, classes));
    x.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray value = loss.evaluate(new NDList(y), new NDList(x));
      collector.backward(value);
      return new float[][] {{value.getFloat()}, x.getGradient().toFloatArray()};
    }
  }
}
