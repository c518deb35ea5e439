package org.clr4j.reference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.clr4j.Checks;
import org.clr4j.data.Dataset;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.rangetest.DjlRangeTest;
import org.clr4j.djl.train.SparseSoftmaxCrossEntropy;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.sampling.EpochOrder;

/**
 * The range test of {@code clr4j find} and {@code train --bounds auto}: a fresh reference model initialized from the
 * seed, its training data as DJL datasets, and {@link DjlRangeTest} — the same entry point a library user calls.
 *
 * <p>The test holds out {@code validationSamples} samples chosen by the seed for the accuracy it watches and steps
 * through the rest in a seeded order of its own, so the training run's order (a pure function of seed and epoch) is
 * what it would have been without the test.
 */
public final class ReferenceRangeTest {
  private static final long ORDER_SALT = 0x5eed_7e57L;

  private ReferenceRangeTest() {}

  /** What the test ran with after fitting it to the data: the batch and hold-out it used. */
  public record Fitted(int batchSize, int validationSamples) {}

  /**
   * The batch and hold-out the test uses on {@code samples} training samples: the hold-out at most a fifth of them,
   * the batch at most what is left.
   */
  public static Fitted fit(int samples, int batchSize, int validationSamples) {
    Checks.atLeast("samples", samples, 2);
    Checks.atLeast("batchSize", batchSize, 1);
    Checks.atLeast("validationSamples", validationSamples, 0);
    int held = Math.min(validationSamples, samples / 5);
    return new Fitted(Math.min(batchSize, samples - held), held);
  }

  /**
   * Runs {@code test} on a fresh {@code model} for {@code train}.
   *
   * @param validationSamples held out for the accuracy the test watches (0: none); see {@link #fit}
   * @param device where to run (null: the engine's default)
   */
  public static RangeTestResult run(ReferenceModel model, Dataset train, int batchSize, RangeTest test,
      OptimizerConfig optimizer, int validationSamples, long seed, Device device, RangeTest.Listener listener) {
    Fitted fitted = fit(train.size(), batchSize, validationSamples);
    int[] order = new EpochOrder(train.size(), seed ^ ORDER_SALT).order(0);
    int held = fitted.validationSamples();
    try (Model m = Models.initialized(model, train, fitted.batchSize(), seed, device);
        NDManager data = m.getNDManager().newSubManager()) {
      DjlRangeTest.Builder builder = DjlRangeTest.builder(m, new SparseSoftmaxCrossEntropy())
          .optOptimizer(optimizer).optRangeTest(test).optListener(listener);
      if (device != null) {
        builder.optDevices(device);
      }
      if (held > 0) {
        builder.optValidation(DjlData.of(data, train, Arrays.copyOf(order, held), 500, false));
      }
      // Whole batches only; the test starts the data again when they run out.
      return builder.build().run(DjlData.of(data, train, Arrays.copyOfRange(order, held, order.length),
          fitted.batchSize(), true));
    }
  }
}
