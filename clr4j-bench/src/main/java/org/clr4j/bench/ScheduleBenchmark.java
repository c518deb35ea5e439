package org.clr4j.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost of one schedule evaluation, as a training loop pays it once per step.
 *
 * <p>Each call evaluates the next step of a counter that runs through {@link #RANGE} steps and wraps, so that over
 * a measurement every phase of every policy is visited and the JIT cannot fold the step into a constant. Results
 * are returned or sunk into a {@link Blackhole}, so no evaluation is dead code. JMH forks one JVM per
 * (benchmark, policy) pair, so no policy's profile pollutes another's.
 *
 * <p>Run: {@code java -jar clr4j-bench/target/benchmarks.jar ScheduleBenchmark}; results in docs/BENCHMARKS.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScheduleBenchmark {
  /** Steps before the counter wraps to 0: long enough for a 1cycle of this length to be walked end to end. */
  static final long RANGE = 10_000_000L;

  /** The policies measured, by the name shown in the results, and their text specs. */
  static final Map<String, String> SPECS = Map.of(
      "triangular", "triangular(base=0.001, max=0.006, up=2000)",
      "triangular2", "triangular2(base=0.001, max=0.006, up=2000)",
      "exp_range", "exp_range(base=0.001, max=0.006, up=2000, gamma=0.9999994)",
      "triangular_momentum", "triangular(base=0.001, max=0.006, up=2000, momentum=0.85:0.95)",
      "triangular_decay", "triangular(base=0.001, max=0.006, up=2000, decay=0.9999999)",
      "onecycle_cos", "onecycle(max=0.1, total=10000000)",
      "onecycle_linear3", "onecycle(max=0.1, total=10000000, anneal=linear, phases=3)");

  @Param({"triangular", "triangular2", "exp_range", "triangular_momentum", "triangular_decay", "onecycle_cos",
      "onecycle_linear3"})
  public String policy;

  private Schedule schedule;
  private long step;

  @Setup(Level.Trial)
  public void setUp() {
    String spec = SPECS.get(policy);
    if (spec == null) {
      throw new IllegalArgumentException("policy (" + policy + ") must be one of " + SPECS.keySet());
    }
    schedule = Schedule.parse(spec);
    step = 0;
  }

  /** The step for this call; advances the counter, wrapping at {@link #RANGE}. */
  private long nextStep() {
    long s = step;
    step = s + 1 == RANGE ? 0 : s + 1;
    return s;
  }

  /** One learning-rate evaluation. */
  @Benchmark
  public double valueAt() {
    return schedule.valueAt(nextStep());
  }

  /** Learning rate and momentum for the same step, as an optimizer that cycles momentum needs them. */
  @Benchmark
  public void valueAndMomentumAt(Blackhole bh) {
    long s = nextStep();
    bh.consume(schedule.valueAt(s));
    bh.consume(schedule.momentumAt(s));
  }
}
