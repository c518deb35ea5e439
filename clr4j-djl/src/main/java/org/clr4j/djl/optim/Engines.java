package org.clr4j.djl.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;

/** The few engine-specific calls the optimizers need, with generic fallbacks for non-PyTorch arrays. */
final class Engines {
  private Engines() {}

  /**
   * Turns autograd recording off for the current thread (in-place updates of a leaf that requires a gradient
   * fail while it is on) and returns whether it was on, for {@link #restoreGradMode}.
   */
  static boolean disableGradMode(NDArray weight) {
    if (weight instanceof PtNDArray && JniUtils.isGradMode()) {
      JniUtils.setGradMode(false);
      return true;
    }
    return false;
  }

  static void restoreGradMode(boolean wasOn) {
    if (wasOn) {
      JniUtils.setGradMode(true);
    }
  }

  /**
   * Zeroes the weight's own gradient, as DJL's built-in PyTorch optimizers do after each update: PyTorch
   * accumulates gradients, and DJL's trainer relies on the optimizer to clear them.
   */
  static void zeroGradient(NDArray weight) {
    if (weight instanceof PtNDArray) {
      JniUtils.zeroGrad((PtNDArray) weight);
    } else if (weight.hasGradient()) {
      try (NDArray g = weight.getGradient()) {
        g.subi(g);
      }
    }
  }

  /**
   * DJL's fused SGD kernel, in place: {@code v = momentum·v + lr·(g + wd·w); w -= v} ({@code g} is not changed; the
   * weight's gradient is left for {@link #zeroGradient}). PyTorch engine only: other engines' kernels differ.
   */
  static void fusedSgd(NDArray weight, NDArray grad, NDArray v, float lr, float wd, float momentum) {
    if (!(weight instanceof PtNDArray && grad instanceof PtNDArray && v instanceof PtNDArray)) {
      throw new IllegalStateException("the fused SGD update path needs the PyTorch engine; use UpdatePath.REFERENCE");
    }
    // rescaling and clipping are done already (DJL's clip is one-sided: clamp_max only)
    JniUtils.sgdUpdate((PtNDArray) weight, (PtNDArray) grad, (PtNDArray) v, lr, wd, 1f, -1f, momentum);
  }

  /**
   * 0-d float32 arrays for the per-step scalars (lr, momentum, weight decay), made on the CPU once per value
   * rather than once per parameter: PyTorch reads a CPU 0-d tensor on the host even in a CUDA kernel, whereas
   * {@code NDArray.mul(Number)} would copy a fresh scalar to the device for every call. So one set serves the
   * copies of a parameter on every device: the CPU here is deliberate.
   */
  static final class Scalars {
    private NDManager manager;
    private final NDArray[] arrays;
    private final float[] values;

    Scalars(int slots) {
      arrays = new NDArray[slots];
      values = new float[slots];
    }

    NDArray get(int slot, float value, NDArray like) {
      if (manager == null || !manager.isOpen()) {
        manager = like.getManager().newSubManager(Device.cpu());
        Arrays.fill(arrays, null);
      }
      NDArray a = arrays[slot];
      if (a == null || Float.floatToRawIntBits(values[slot]) != Float.floatToRawIntBits(value)) {
        if (a != null) {
          a.close();
        }
        a = manager.create(value);
        arrays[slot] = a;
        values[slot] = value;
      }
      return a;
    }
  }
}
