package org.clr4j.djl.rangetest;

import java.util.Arrays;
import org.clr4j.Checks;
import org.clr4j.data.Dataset;
import org.clr4j.data.EpochOrder;
import org.clr4j.djl.optim.ScheduledOptimizer;
import org.clr4j.djl.train.OptimizerConfig;
import org.clr4j.djl.train.TrainingSession;
import org.clr4j.rangetest.Evaluation;
import org.clr4j.rangetest.Probe;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.schedule.Schedule;

/**
 * Runs a learning-rate range test on a DJL model and leaves the model exactly as it found it.
 *
 * <ul>
 *   <li><b>Restore.</b> Parameters (batch-norm statistics included) are copied before the test and written back
 *   in place afterwards, also when a step throws or the loss diverges, so the session's trainer keeps its
 *   parameter store.</li>
 *   <li><b>Optimizer.</b> The test steps through a second trainer with its own PyTorch-style SGD, so the
 *   session's optimizer state is never touched. DJL's built-in SGD keeps the learning rate inside its velocity
 *   ({@code v = m·v − lr·g}): raising lr step after step would leave the old, smaller rates in the velocity and
 *   make every step lag behind the rate being tested. Ours keeps lr outside ({@code buf = m·buf + g;
 *   w −= lr·buf}), so each step moves the weights at the rate under test.</li>
 *   <li><b>Data order.</b> The test draws its batches from its own seeded order and holds out its own
 *   validation samples; the training run's order is a pure function of (seed, epoch), so training afterwards
 *   is what it would have been without the test.</li>
 * </ul>
 */
public final class DjlRangeTest {
  private static final long ORDER_SALT = 0x5eed_7e57L;

  private DjlRangeTest() {}

  /**
   * Runs {@code test} on {@code session}'s model.
   *
   * @param train the training data; {@code validationSamples} of them (chosen by {@code seed}) are held out for
   *     the accuracy the test watches, the rest are trained on
   * @param optimizer the optimizer settings (kind, momentum, weight decay) used for the test's steps
   */
  public static RangeTestResult run(TrainingSession session, Dataset train, RangeTest test, OptimizerConfig optimizer,
      int validationSamples, long seed, RangeTest.Listener listener) {
    Checks.atLeast("validationSamples", validationSamples, 0);
    if (validationSamples >= train.size()) {
      throw new IllegalArgumentException("validationSamples (" + validationSamples + ") must be < the training "
          + "samples (" + train.size() + ")");
    }
    try (DjlProbe probe = new DjlProbe(session, train, optimizer, validationSamples, seed)) {
      return listener == null ? test.run(probe) : test.run(probe, listener);
    }
  }

  /** The probe: one step at a given rate through a second trainer; restore on close. */
  static final class DjlProbe implements Probe {
    private final TrainingSession session;
    private final Dataset train;
    private final OptimizerConfig optimizerConfig;
    private final int[] trainIndices;
    private final Dataset validation;
    private final RateHolder rate;
    private TrainingSession probeSession;
    private TrainingSession.ParameterSnapshot snapshot;
    private int position;
    private boolean closed;

    DjlProbe(TrainingSession session, Dataset train, OptimizerConfig optimizerConfig, int validationSamples,
        long seed) {
      this.session = session;
      this.train = train;
      this.optimizerConfig = optimizerConfig;
      int[] order = new EpochOrder(train.size(), seed ^ ORDER_SALT).order(0);
      this.trainIndices = Arrays.copyOfRange(order, validationSamples, order.length);
      this.validation = validationSamples == 0 ? null : subset(train, Arrays.copyOf(order, validationSamples));
      this.rate = new RateHolder();
    }

    @Override
    public void begin() {
      snapshot = session.snapshotParameters();
      ScheduledOptimizer optimizer = optimizerConfig.create(rate, 0);
      probeSession = session.withOptimizer(optimizer);
    }

    @Override
    public double trainStep(double lr) {
      rate.lr = lr;
      int batch = session.batchSize();
      if (position + batch > trainIndices.length) {
        position = 0;
      }
      float loss = probeSession.trainStep(train, trainIndices, position, batch);
      position += batch;
      return loss;
    }

    @Override
    public boolean supportsEvaluation() {
      return validation != null;
    }

    @Override
    public Evaluation evaluate() {
      TrainingSession.Evaluation e = session.evaluate(validation, 500);
      return new Evaluation(e.loss(), e.accuracy());
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (snapshot != null) {
          session.restoreParameters(snapshot);
        }
      } finally {
        if (snapshot != null) {
          snapshot.close();
        }
        if (probeSession != null) {
          probeSession.close();
        }
      }
    }
  }

  private static Dataset subset(Dataset data, int[] indices) {
    float[] x = new float[indices.length * data.featureCount()];
    int[] y = new int[indices.length];
    data.gather(indices, 0, indices.length, x, y);
    return new Dataset(data.name() + " (range-test validation)", data.source(), x, y, data.sampleShape(),
        data.numClasses());
  }

  /** The rate under test: a schedule whose value the probe sets before each step. */
  private static final class RateHolder implements Schedule {
    private volatile double lr = 1e-3;

    @Override
    public double valueAt(long step) {
      return lr;
    }

    @Override
    public String toString() {
      return "range-test(lr=" + lr + ")";
    }
  }
}
