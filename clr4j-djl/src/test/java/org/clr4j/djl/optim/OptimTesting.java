package org.clr4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import java.util.Random;

/** Small fixtures shared by the optimizer tests. */
final class OptimTesting {
  private OptimTesting() {}

  static final Shape SHAPE = new Shape(4, 5);
  static final int SIZE = 20;

  static float[] randomFloats(Random random, int n, double scale) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextGaussian() * scale);
    }
    return out;
  }

  static float[][] randomGrads(long seed, int steps, double scale) {
    Random random = new Random(seed);
    float[][] out = new float[steps][];
    for (int t = 0; t < steps; t++) {
      out[t] = randomFloats(random, SIZE, scale);
    }
    return out;
  }

  /** Runs {@code optimizer} over the gradients on one parameter "w" starting at {@code w0}; returns the weights. */
  static float[] run(NDManager manager, Optimizer optimizer, float[] w0, float[][] grads) {
    try (NDArray w = manager.create(w0, SHAPE)) {
      step(manager, optimizer, w, grads);
      return w.toFloatArray();
    }
  }

  static void step(NDManager manager, Optimizer optimizer, NDArray w, float[][] grads) {
    for (float[] g : grads) {
      try (NDArray grad = manager.create(g, SHAPE)) {
        optimizer.update("w", w, grad);
      }
    }
  }

  /** The raw bits of float32 arrays, one after the other. */
  static int[] bitsOf(NDArray... arrays) {
    int n = 0;
    for (NDArray a : arrays) {
      n += (int) a.size();
    }
    int[] out = new int[n];
    int i = 0;
    for (NDArray a : arrays) {
      for (float x : a.toFloatArray()) {
        out[i++] = Float.floatToRawIntBits(x);
      }
    }
    return out;
  }

  /** Every element within {@code 1e-5·(1 + |expected|)}, and the weights moved (so the check means something). */
  static void assertClose(double[] expected, float[] actual, float[] start) {
    assertEquals(expected.length, actual.length);
    double moved = 0;
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-5 * (1 + Math.abs(expected[i]));
      assertTrue(
          Math.abs(expected[i] - actual[i]) <= tol,
          "element " + i + ": expected " + expected[i] + " but was " + actual[i]);
      moved = Math.max(moved, Math.abs(expected[i] - start[i]));
    }
    assertTrue(moved > 1e-2, "weights barely moved (" + moved + "): the comparison would be vacuous");
  }

  static void assertClose(float[] expected, float[] actual, float[] start) {
    assertClose(Reference.toDouble(expected), actual, start);
  }
}
