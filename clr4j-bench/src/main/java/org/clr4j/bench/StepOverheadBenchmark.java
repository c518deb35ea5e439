package org.clr4j.bench;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.clr4j.data.Dataset;
import org.clr4j.sampling.EpochOrder;
import org.clr4j.data.FashionMnist;
import org.clr4j.djl.optim.OptimizerConfig;
import org.clr4j.djl.optim.OptimizerKind;
import org.clr4j.schedule.Schedule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one whole training step (forward, backward, optimizer update) with clr4j's scheduled SGD, against
 * the same step with DJL's built-in SGD at a fixed learning rate and momentum: does reading the learning rate and
 * momentum from a schedule at every step, with PyTorch-style momentum, cost more than a few percent of a step?
 *
 * <p>Each invocation is one {@link StepSession#trainStep} on the next mini-batch of {@link #BATCH} images of
 * the embedded Fashion-MNIST subset (10,000 training images, offline), taken in one fixed shuffled order and
 * wrapping to its start when the next full batch does not fit. The model and its optimizer are built once per
 * trial, from the same seed for every optimizer, so all optimizers train the same network on the same batches.
 * The optimizers compared ({@link #optimizer}):
 *
 * <ul>
 *   <li>{@code djl_sgd_fixed}: the plain DJL loop: {@code Optimizer.sgd()} with {@code Tracker.fixed(0.05)},
 *       momentum 0.9, weight decay 5e-4;
 *   <li>{@code clr4j_sgd_constant}: clr4j's {@code ScheduledSgd} ({@code OptimizerConfig.defaults(SGD)}: momentum
 *       0.9, weight decay 5e-4) following {@code constant(lr=0.05)};
 *   <li>{@code clr4j_sgd_onecycle}: the same optimizer following a 1cycle schedule that cycles the learning rate
 *       and the momentum (0.95 to 0.85 and back) at every step.
 * </ul>
 *
 * <p>The forks run with {@code -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}, as the clr4j
 * launcher runs training. Build and run:
 *
 * <pre>
 *   ./mvnw -o -pl clr4j-bench -am package -DskipTests
 *   java -jar clr4j-bench/target/benchmarks.jar StepOverheadBenchmark
 * </pre>
 *
 * <p>The overhead of a clr4j optimizer is {@code (clr4j − djl_sgd_fixed) / djl_sgd_fixed} of the same model.
 * Timings depend on the machine and its load; they are measurements to read and record, not test assertions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"})
public class StepOverheadBenchmark {
  /** Images per training step. */
  static final int BATCH = 128;

  /** The learning rate and momentum of the fixed-rate runs. */
  static final float LR = 0.05f;
  static final float MOMENTUM = 0.9f;

  /** 1cycle long enough that no benchmark run reaches its end: the learning rate and momentum change every step. */
  static final String ONECYCLE = "onecycle(max=0.1, total=100000)";

  static final long SEED = 42;

  static final List<String> OPTIMIZERS = List.of("djl_sgd_fixed", "clr4j_sgd_constant", "clr4j_sgd_onecycle");

  @Param({"mlp", "cnn"})
  public String model;

  @Param({"djl_sgd_fixed", "clr4j_sgd_constant", "clr4j_sgd_onecycle"})
  public String optimizer;

  private Dataset data;
  private int[] order;
  private int from;
  private StepSession session;

  @Setup(Level.Trial)
  public void setUp() {
    data = FashionMnist.embeddedSmall().train();
    order = new EpochOrder(data.size(), SEED).order(0);
    from = 0;
    session = StepSession.create(model, data, BATCH, createOptimizer(optimizer), SEED);
  }

  static Optimizer createOptimizer(String name) {
    switch (name) {
      case "djl_sgd_fixed":
        return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(LR)).optMomentum(MOMENTUM)
            .optWeightDecays(5e-4f).build();
      case "clr4j_sgd_constant":
        return OptimizerConfig.defaults(OptimizerKind.SGD).create(Schedule.parse("constant(lr=0.05)"), 0);
      case "clr4j_sgd_onecycle":
        Schedule onecycle = Schedule.parse(ONECYCLE);
        if (!onecycle.hasMomentum()) {
          throw new IllegalStateException(ONECYCLE + " must cycle momentum");
        }
        return OptimizerConfig.defaults(OptimizerKind.SGD).create(onecycle, 0);
      default:
        throw new IllegalArgumentException("optimizer (" + name + ") must be one of " + OPTIMIZERS);
    }
  }

  /** One training step on the next mini-batch; returns its loss, so the step is not dead code. */
  @Benchmark
  public float trainStep() {
    if (from + BATCH > order.length) {
      from = 0;
    }
    float loss = session.trainStep(order, from, BATCH);
    from += BATCH;
    return loss;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (session != null) {
      session.close();
      session = null;
    }
  }
}
