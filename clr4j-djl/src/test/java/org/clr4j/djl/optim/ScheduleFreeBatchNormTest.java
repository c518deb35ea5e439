package org.clr4j.djl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Batchifier;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch-norm recalibration: after training, the running statistics are those of y; recalibrating runs batches
 * forward in training mode at x, and the statistics become the exponential average (the layer's momentum) of the
 * batch statistics of the layer's input computed at x, here a linear layer's output recomputed in float64.
 */
class ScheduleFreeBatchNormTest {

  static final int N = 16;
  static final int IN = 4;
  static final int UNITS = 3;
  static final float BN_MOMENTUM = 0.8f;

  @Test
  void recalibrationSetsTheRunningStatisticsToThoseOfXOnTheGivenBatches() {
    ScheduleFreeSgd opt = ScheduleFreeSgd.builder().schedule("constant(lr=0.5)").momentum(0.9).build();
    try (Model model = Model.newInstance("bn", "PyTorch")) {
      SequentialBlock block = new SequentialBlock()
          .add(Linear.builder().setUnits(UNITS).build())
          .add(BatchNorm.builder().optMomentum(BN_MOMENTUM).build());
      model.setBlock(block);
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(opt))) {
        trainer.initialize(new Shape(N, IN));
        NDManager m = trainer.getManager();
        Random random = new Random(61);
        // The linear layer starts from seeded values, not DJL's unseeded initializer: the gap checked below
        // depends on where training starts, and fell short of its bound from some random starts.
        find(block, Parameter.Type.WEIGHT).getArray().set(FloatBuffer.wrap(gaussian(random, UNITS * IN, 0.5)));
        find(block, Parameter.Type.BIAS).getArray().set(FloatBuffer.wrap(gaussian(random, UNITS, 0.5)));
        for (int step = 0; step < 12; step++) {
          NDArray input = m.create(gaussian(random, N * IN, 1.0), new Shape(N, IN));
          NDArray target = m.create(gaussian(random, N * UNITS, 2.0), new Shape(N, UNITS)).add(1f);
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList out = trainer.forward(new NDList(input));
            collector.backward(trainer.getLoss().evaluate(new NDList(target), out));
          }
          trainer.step();
        }
        Parameter weight = find(block, Parameter.Type.WEIGHT);
        Parameter bias = find(block, Parameter.Type.BIAS);
        Parameter mean = find(block, Parameter.Type.RUNNING_MEAN);
        Parameter var = find(block, Parameter.Type.RUNNING_VAR);
        double[] mean0 = doubles(mean.getArray());
        double[] var0 = doubles(var.getArray());
        int[] y = OptimTesting.bitsOf(weight.getArray(), bias.getArray());
        double[] wy = doubles(weight.getArray());
        double[] by = doubles(bias.getArray());

        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          inputs.add(gaussian(random, N * IN, 1.5));
        }
        List<Batch> batches = new ArrayList<>();
        for (float[] in : inputs) {
          NDManager bm = m.newSubManager();
          batches.add(new Batch(bm, new NDList(bm.create(in, new Shape(N, IN))),
              new NDList(bm.zeros(new Shape(N, UNITS))), N, Batchifier.STACK, Batchifier.STACK, 0, 0));
        }
        assertEquals(3, opt.recalibrateBatchNorm(trainer, batches, 3)); // the fourth batch is left alone
        assertTrue(opt.evalMode(), "recalibration leaves the weights at x, for evaluation");
        int[] x = OptimTesting.bitsOf(opt.buffers(weight.getId(), 0)[ScheduleFreeOptimizer.X],
            opt.buffers(bias.getId(), 0)[ScheduleFreeOptimizer.X]);
        assertArrayEquals(x, OptimTesting.bitsOf(weight.getArray(), bias.getArray()));
        double[] wx = doubles(weight.getArray());
        double[] bx = doubles(bias.getArray());

        double[][] atX = expected(mean0, var0, inputs.subList(0, 3), wx, bx);
        double[][] atY = expected(mean0, var0, inputs.subList(0, 3), wy, by);
        double[] meanNow = doubles(mean.getArray());
        double[] varNow = doubles(var.getArray());
        double tol = 1e-5;
        double gap = 0;
        for (int j = 0; j < UNITS; j++) {
          assertEquals(atX[0][j], meanNow[j], tol * (1 + Math.abs(atX[0][j])), "running mean " + j);
          assertEquals(atX[1][j], varNow[j], tol * (1 + Math.abs(atX[1][j])), "running variance " + j);
          gap = Math.max(gap, Math.max(Math.abs(atX[0][j] - atY[0][j]), Math.abs(atX[1][j] - atY[1][j])));
        }
        assertTrue(gap > 100 * tol, "statistics at x and at y must differ for the test to mean something: "
            + gap);

        opt.train();
        assertArrayEquals(y, OptimTesting.bitsOf(weight.getArray(), bias.getArray()));
        batches.get(3).close(); // recalibration closed the batches it used

        IllegalArgumentException none =
            assertThrows(IllegalArgumentException.class, () -> opt.recalibrateBatchNorm(trainer, List.of(), 5));
        assertEquals("batches (none) must yield at least one batch", none.getMessage());
        opt.train();
        assertFalse(opt.evalMode());
      }
    }
  }

  /**
   * The running mean and variance after {@code batches}, from {@code mean0}/{@code var0}, with the layer's input
   * {@code h = in·Wᵀ + b}: PyTorch's update with momentum {@code 1 - BN_MOMENTUM} and the unbiased batch variance.
   */
  static double[][] expected(double[] mean0, double[] var0, List<float[]> batches, double[] w, double[] b) {
    double[] mean = mean0.clone();
    double[] var = var0.clone();
    double mom = 1f - BN_MOMENTUM; // DJL passes PyTorch 1 - momentum, in float
    for (float[] in : batches) {
      for (int j = 0; j < UNITS; j++) {
        double[] h = new double[N];
        double sum = 0;
        for (int i = 0; i < N; i++) {
          double v = b[j];
          for (int k = 0; k < IN; k++) {
            v += in[i * IN + k] * w[j * IN + k];
          }
          h[i] = v;
          sum += v;
        }
        double mu = sum / N;
        double ss = 0;
        for (double v : h) {
          ss += (v - mu) * (v - mu);
        }
        mean[j] = (1 - mom) * mean[j] + mom * mu;
        var[j] = (1 - mom) * var[j] + mom * ss / (N - 1);
      }
    }
    return new double[][] {mean, var};
  }

  static Parameter find(SequentialBlock block, Parameter.Type type) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().getType() == type) {
        return p.getValue();
      }
    }
    throw new IllegalStateException("no " + type + " parameter");
  }

  static double[] doubles(NDArray a) {
    float[] f = a.toFloatArray();
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  static float[] gaussian(Random random, int n, double scale) {
    return OptimTesting.randomFloats(random, n, scale);
  }
}
