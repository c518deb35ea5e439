package org.clr4j.reference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.function.IntFunction;
import org.clr4j.Checks;
import org.clr4j.data.Dataset;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.rangetest.DjlRangeTest;
import org.clr4j.djl.train.SparseSoftmaxCrossEntropy;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.sampling.EpochOrder;

/**
 * The range test of {@code clr4j find} and {@code train --bounds auto}: a fresh reference model initialized from the
 * seed, its training data as DJL datasets, and {@link DjlRangeTest} — the same entry point a library user calls.
 *
 * <p>The test holds out {@code validationSamples} samples chosen by the seed for the accuracy it watches and steps
 * through the rest in a seeded order of its own, so the training run's order (a pure function of seed and epoch) is
 * what it would have been without the test. {@link #runRepeats} repeats the test from the same initialization with
 * other orders of the same samples, for bounds that depend less on one order.
 */
public final class ReferenceRangeTest {
  private static final long ORDER_SALT = 0x5eed_7e57L;
  private static final long REPEAT_SALT = 0x7e9e_a7edL;

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
    return runRepeats(model, train, batchSize, test, optimizer, validationSamples, seed, 1, device, listener)
        .repeats().get(0);
  }

  /**
   * Runs {@code test} {@code repeats} times on one fresh {@code model} for {@code train}: every repeat starts from
   * the same initialization (the model is restored bit for bit between repeats) and holds out the same samples;
   * repeat {@code r} steps through the rest in {@link #repeatOrder its own order}. Repeat 0 is exactly the test
   * {@link #run} runs.
   *
   * @param repeats at least 1
   */
  public static RangeTestRepeats runRepeats(ReferenceModel model, Dataset train, int batchSize, RangeTest test,
      OptimizerConfig optimizer, int validationSamples, long seed, int repeats, Device device,
      RangeTest.Listener listener) {
    Checks.atLeast("repeats", repeats, 1);
    Fitted fitted = fit(train.size(), batchSize, validationSamples);
    int[] order = new EpochOrder(train.size(), seed ^ ORDER_SALT).order(0);
    int held = fitted.validationSamples();
    int[] rest = Arrays.copyOfRange(order, held, order.length);
    try (Model m = Models.initialized(model, train, fitted.batchSize(), seed, device);
        NDManager data = m.getNDManager().newSubManager();
        RepeatData trainOfRepeat = new RepeatData(data, train, rest, fitted.batchSize(), seed)) {
      DjlRangeTest.Builder builder = DjlRangeTest.builder(m, new SparseSoftmaxCrossEntropy())
          .optOptimizer(optimizer).optRangeTest(test).optListener(listener);
      if (device != null) {
        builder.optDevices(device);
      }
      if (held > 0) {
        builder.optValidation(DjlData.of(data, train, Arrays.copyOf(order, held), 500, false));
      }
      return builder.build().runRepeats(repeats, trainOfRepeat);
    }
  }

  /**
   * The order in which repeat {@code repeat} visits {@code samples} (the training samples left after the hold-out,
   * in the order repeat 0 visits them): repeat 0 that order itself, repeat {@code r > 0} a permutation of it that
   * depends only on (seed, r).
   */
  public static int[] repeatOrder(int[] samples, long seed, int repeat) {
    Checks.atLeast("repeat", repeat, 0);
    if (repeat == 0) {
      return samples.clone();
    }
    int[] permutation = new EpochOrder(samples.length, seed ^ REPEAT_SALT).order(repeat);
    int[] out = new int[samples.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = samples[permutation[i]];
    }
    return out;
  }

  /**
   * The training data of each repeat, gathered in its order (whole batches only; the test starts the data again
   * when they run out). Holds one repeat's copy at a time: the previous one is closed when the next is asked for
   * (the test has finished with it then), the last when this closes.
   */
  private static final class RepeatData implements IntFunction<ai.djl.training.dataset.Dataset>, AutoCloseable {
    private final NDManager parent;
    private final Dataset train;
    private final int[] samples;
    private final int batchSize;
    private final long seed;
    private NDManager current;

    RepeatData(NDManager parent, Dataset train, int[] samples, int batchSize, long seed) {
      this.parent = parent;
      this.train = train;
      this.samples = samples;
      this.batchSize = batchSize;
      this.seed = seed;
    }

    @Override
    public ai.djl.training.dataset.Dataset apply(int repeat) {
      close();
      current = parent.newSubManager();
      return DjlData.of(current, train, repeatOrder(samples, seed, repeat), batchSize, true);
    }

    @Override
    public void close() {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }
}
