package org.clr4j.dl4j;

import java.util.Objects;
import org.clr4j.Checks;
import org.clr4j.schedule.Schedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A clr4j {@link Schedule} as a DL4J {@link ISchedule}: the learning rate ({@link #learningRate}) or the momentum
 * ({@link #momentum}) of any schedule, for {@code new Nesterovs(lr, momentum)}, {@code new Sgd(lr)},
 * {@code new Adam(lr)} and the other updaters that take a learning-rate schedule.
 *
 * <p><b>Counter.</b> DL4J passes {@code valueAt(iteration, epoch)} the network's iteration and epoch counts, both
 * counted from 0; the iteration count is the number of parameter updates the network has made (it survives
 * {@code ModelSerializer} and is not reset at epoch boundaries). By default the clr4j step is the iteration, so
 * {@code valueAt(i, e) == schedule.valueAt(i)}; {@link ScheduleType#EPOCH} makes it the epoch instead.
 *
 * <p><b>Serialization.</b> DL4J writes its configuration as JSON (Jackson, with the class name of each schedule).
 * This class writes the schedule's text spec, which {@link Schedule#parse} reads back to an equal schedule, so a
 * network saved with {@code ModelSerializer} and restored continues with the same values. Java serialization
 * (Spark) keeps the same three fields.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
public final class ClrSchedule implements ISchedule {
  private static final long serialVersionUID = 1L;

  /** Which value of the schedule this adapter gives DL4J. */
  public enum Value {
    LEARNING_RATE,
    MOMENTUM
  }

  @JsonProperty("spec")
  private final String spec;
  @JsonProperty("value")
  private final Value value;
  @JsonProperty("scheduleType")
  private final ScheduleType scheduleType;
  // Parsed once per instance (also after Java deserialization, which does not run the constructor).
  private transient volatile Schedule schedule;

  @JsonCreator
  private ClrSchedule(@JsonProperty("spec") String spec, @JsonProperty("value") Value value,
      @JsonProperty("scheduleType") ScheduleType scheduleType) {
    this(Schedule.parse(Checks.notNull("spec", spec)), value, scheduleType);
  }

  private ClrSchedule(Schedule schedule, Value value, ScheduleType scheduleType) {
    Checks.notNull("schedule", schedule);
    this.value = Checks.notNull("value", value);
    this.scheduleType = Checks.notNull("scheduleType", scheduleType);
    if (value == Value.MOMENTUM && !schedule.hasMomentum()) {
      throw new IllegalArgumentException("schedule (" + schedule + ") must cycle momentum for a momentum schedule; "
          + "give it momentum=LOW:HIGH");
    }
    this.spec = schedule.toString();
    this.schedule = schedule;
  }

  /** The learning rate of {@code schedule}, stepped by DL4J's iteration count. */
  public static ClrSchedule learningRate(Schedule schedule) {
    return new ClrSchedule(schedule, Value.LEARNING_RATE, ScheduleType.ITERATION);
  }

  /** The learning rate of {@code schedule}, stepped by DL4J's iteration or epoch count. */
  public static ClrSchedule learningRate(Schedule schedule, ScheduleType counter) {
    return new ClrSchedule(schedule, Value.LEARNING_RATE, counter);
  }

  /**
   * The momentum of {@code schedule} (for {@code Nesterovs}), stepped by DL4J's iteration count.
   *
   * @throws IllegalArgumentException if the schedule sets no momentum ({@link Schedule#hasMomentum()} false)
   */
  public static ClrSchedule momentum(Schedule schedule) {
    return new ClrSchedule(schedule, Value.MOMENTUM, ScheduleType.ITERATION);
  }

  /** The momentum of {@code schedule}, stepped by DL4J's iteration or epoch count. */
  public static ClrSchedule momentum(Schedule schedule, ScheduleType counter) {
    return new ClrSchedule(schedule, Value.MOMENTUM, counter);
  }

  @Override
  public double valueAt(int iteration, int epoch) {
    long step = scheduleType == ScheduleType.ITERATION ? iteration : epoch;
    Schedule s = schedule();
    return value == Value.LEARNING_RATE ? s.valueAt(step) : s.momentumAt(step);
  }

  /** The clr4j schedule behind this adapter. */
  public Schedule schedule() {
    Schedule s = schedule;
    if (s == null) {
      s = Schedule.parse(spec);
      schedule = s;
    }
    return s;
  }

  /** Which value of the schedule DL4J gets. */
  public Value value() {
    return value;
  }

  /** The counter that is the schedule's step. */
  public ScheduleType scheduleType() {
    return scheduleType;
  }

  /** This object: it is immutable, so DL4J's copies may share it. */
  @Override
  public ClrSchedule clone() {
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClrSchedule c && spec.equals(c.spec) && value == c.value && scheduleType == c.scheduleType;
  }

  @Override
  public int hashCode() {
    return Objects.hash(spec, value, scheduleType);
  }

  @Override
  public String toString() {
    return "ClrSchedule(" + value + " of " + spec + ", per " + scheduleType + ")";
  }
}
