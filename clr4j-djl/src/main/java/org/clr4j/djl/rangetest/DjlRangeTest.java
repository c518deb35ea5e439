package org.clr4j.djl.rangetest;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.IntFunction;
import org.clr4j.Checks;
import org.clr4j.djl.Batches;
import org.clr4j.djl.LossStep;
import org.clr4j.djl.ParameterSnapshot;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.rangetest.Evaluation;
import org.clr4j.rangetest.Probe;
import org.clr4j.rangetest.RangeTest;
import org.clr4j.rangetest.RangeTestRepeats;
import org.clr4j.rangetest.RangeTestResult;
import org.clr4j.schedule.Schedule;

/**
 * The learning-rate range test on any DJL model: your {@link Model} (any block, initialized), your {@link Loss},
 * your devices and your {@link Dataset}. It returns the core {@link RangeTestResult}, whose bounds feed a schedule:
 *
 * <pre>{@code
 * RangeTestResult r = DjlRangeTest.builder(model, Loss.softmaxCrossEntropyLoss()).build().run(trainSet);
 * Schedule oneCycle = r.suggestion().bounds().oneCycle(Steps.total(trainSet, 64, 5));
 * }</pre>
 *
 * <ul>
 *   <li><b>Restore.</b> Every parameter, batch-norm statistics included, is copied before the test and written back
 *   in place afterwards, also when a step throws or the loss diverges: the model comes back bit for bit.</li>
 *   <li><b>Optimizer.</b> The test steps through a trainer of its own with its own optimizer ({@link
 *   #builder(Trainer)} takes model, loss and devices from yours), so the state of the optimizer you train with is
 *   never touched. The default is PyTorch-style SGD with momentum 0.9: DJL's built-in SGD keeps the learning rate
 *   inside its velocity ({@code v = m·v − lr·g}), so raising lr step after step would leave the old, smaller rates in
 *   the velocity; ours keeps it outside ({@code buf = m·buf + g; w −= lr·buf}), and each step moves the weights at
 *   the rate under test. Choose Adam or AdamW with {@link Builder#optOptimizer} if you train with them.</li>
 *   <li><b>Data.</b> Batches come from {@code train} as your dataset yields them (its sampler and batch size); when
 *   it runs out before the test ends, iteration starts again. A shuffling DJL dataset draws from DJL's global
 *   random generator: reseed it afterwards ({@code Engine.getInstance().setRandomSeed}) if your run must not see
 *   that.</li>
 *   <li><b>Repeats.</b> {@link #runRepeats} runs the test a few times from the same starting model with different
 *   data orders and reports every method's median bounds and their spread: one test's upper bound can move by a
 *   factor of several with the data order alone (docs/RANGE_TEST.md, "Repeats").</li>
 *   <li><b>Custom steps.</b> {@link Builder#optStep} says how one step computes its loss (several inputs, a custom
 *   loss); the test runs backward and the update.</li>
 * </ul>
 */
public final class DjlRangeTest {
  private final Model model;
  private final Loss loss;
  private final Device[] devices;
  private final OptimizerConfig optimizer;
  private final LossStep step;
  private final Dataset validation;
  private final RangeTest test;
  private final RangeTest.Listener listener;

  private DjlRangeTest(Builder b) {
    this.model = b.model;
    this.loss = b.loss;
    this.devices = b.devices;
    this.optimizer = b.optimizer;
    this.step = b.step;
    this.validation = b.validation;
    this.test = b.test;
    this.listener = b.listener;
  }

  /** A range test on {@code model} (its block initialized) with {@code loss}. */
  public static Builder builder(Model model, Loss loss) {
    return new Builder(model, loss);
  }

  /**
   * A range test on the model of {@code trainer} with its loss and devices; {@code trainer} itself (its optimizer
   * and its state) is not used.
   */
  public static Builder builder(Trainer trainer) {
    Objects.requireNonNull(trainer, "trainer");
    return new Builder(trainer.getModel(), trainer.getLoss()).optDevices(trainer.getDevices());
  }

  /** Runs the test on batches of {@code train} and restores the model. */
  public RangeTestResult run(Dataset train) {
    Objects.requireNonNull(train, "train");
    try (DjlProbe probe = new DjlProbe(train)) {
      return listener == null ? test.run(probe) : test.run(probe, listener);
    }
  }

  /**
   * Runs the test {@code repeats} times on batches of {@code train} and returns every method's median bounds and
   * their spread. Each repeat starts from the model as it was (restored bit for bit, batch-norm statistics
   * included, with a fresh optimizer) and differs only in its data order and dropout: give a dataset that shuffles
   * (its sampler draws a new order each repeat), or {@link #runRepeats(int, IntFunction)} with an order per
   * repeat. A dataset that yields the same batches every time repeats the same test.
   */
  public RangeTestRepeats runRepeats(int repeats, Dataset train) {
    Checks.notNull("train", train);
    return runRepeats(repeats, r -> train);
  }

  /**
   * Runs the test {@code repeats} times, repeat {@code r} (from 0) on batches of {@code trainOfRepeat.apply(r)}, e.g.
   * the same samples in an order seeded by {@code r}; the model is restored bit for bit before each repeat and
   * after the last, also when a repeat throws. The listener ({@link Builder#optListener}) hears every repeat
   * ({@link RangeTest.Listener#onRepeat}) and its steps.
   */
  public RangeTestRepeats runRepeats(int repeats, IntFunction<? extends Dataset> trainOfRepeat) {
    Checks.notNull("trainOfRepeat", trainOfRepeat); // RangeTest.runRepeats checks repeats
    return test.runRepeats(repeats, r -> {
      Dataset train = trainOfRepeat.apply(r);
      if (train == null) {
        throw new IllegalArgumentException("trainOfRepeat returned null for repeat " + r);
      }
      return new DjlProbe(train);
    }, listener);
  }

  /** Configures a {@link DjlRangeTest}. */
  public static final class Builder {
    private final Model model;
    private final Loss loss;
    private Device[] devices;
    private OptimizerConfig optimizer = OptimizerConfig.sgd(0.9);
    private LossStep step = LossStep.DEFAULT;
    private Dataset validation;
    private RangeTest test = RangeTest.builder().build();
    private RangeTest.Listener listener;

    private Builder(Model model, Loss loss) {
      this.model = Batches.withBlock(model);
      this.loss = Objects.requireNonNull(loss, "loss");
    }

    /** The devices the test's steps run on (default: the model manager's device). */
    public Builder optDevices(Device... devices) {
      this.devices = Batches.devices(devices);
      return this;
    }

    /** The optimizer of the test's steps (default: SGD, momentum 0.9, no weight decay). */
    public Builder optOptimizer(OptimizerConfig optimizer) {
      this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
      return this;
    }

    /** How a step computes its loss (default {@link LossStep#DEFAULT}). */
    public Builder optStep(LossStep step) {
      this.step = Objects.requireNonNull(step, "step");
      return this;
    }

    /**
     * Held-out data, evaluated every {@code evalEvery} steps of the {@link RangeTest} for the accuracy rule
     * ({@code SuggestionMethod.ACCURACY}); accuracy is the arg-max of the first output against the first label.
     */
    public Builder optValidation(Dataset validation) {
      this.validation = Objects.requireNonNull(validation, "validation");
      return this;
    }

    /** The sweep: rates, steps, smoothing, divergence (default {@code RangeTest.builder().build()}). */
    public Builder optRangeTest(RangeTest test) {
      this.test = Objects.requireNonNull(test, "test");
      return this;
    }

    /** Called after every step, e.g. for a progress bar. */
    public Builder optListener(RangeTest.Listener listener) {
      this.listener = listener;
      return this;
    }

    public DjlRangeTest build() {
      return new DjlRangeTest(this);
    }
  }

  /** The probe: one step at a given rate through a trainer of its own; restore on close. */
  private final class DjlProbe implements Probe {
    private final Dataset train;
    private final RateHolder rate = new RateHolder();
    private ParameterSnapshot snapshot;
    private Trainer trainer;
    private ai.djl.training.optimizer.Optimizer stepOptimizer;
    private Iterator<Batch> batches;
    private boolean closed;

    DjlProbe(Dataset train) {
      this.train = train;
    }

    @Override
    public void begin() {
      snapshot = ParameterSnapshot.of(model);
      stepOptimizer = optimizer.create(rate, 0);
      DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(stepOptimizer);
      if (devices != null) {
        config.optDevices(devices);
      }
      // No initializers (nothing is re-initialized) and no training listeners (the test reads the loss itself).
      trainer = model.newTrainer(config);
    }

    @Override
    public double trainStep(double lr) {
      rate.lr = lr;
      try (Batch batch = nextBatch()) {
        return Batches.trainStep(trainer, batch, step, stepOptimizer);
      }
    }

    private Batch nextBatch() {
      if (batches == null || !batches.hasNext()) {
        batches = iterate(train).iterator();
        if (!batches.hasNext()) {
          throw new IllegalArgumentException("the training dataset yielded no batch");
        }
      }
      return batches.next();
    }

    private Iterable<Batch> iterate(Dataset data) {
      return Batches.read("the dataset", () -> trainer.iterateDataset(data));
    }

    @Override
    public boolean supportsEvaluation() {
      return validation != null;
    }

    @Override
    public Evaluation evaluate() {
      Batches.Evaluation e = Batches.evaluate(trainer, iterate(validation));
      return new Evaluation(e.loss(), e.accuracy());
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      // The trainer first: closing it syncs device copies back into parameters held on another device, which
      // the restore must then overwrite.
      try {
        if (trainer != null) {
          trainer.close();
        }
      } finally {
        try {
          if (snapshot != null) {
            snapshot.restore();
          }
        } finally {
          if (snapshot != null) {
            snapshot.close();
          }
        }
      }
    }
  }

  /** The rate under test: a schedule whose value the probe sets before each step. */
  private static final class RateHolder implements Schedule {
    private double lr = 1e-3;

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
