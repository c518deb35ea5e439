package org.clr4j.djl.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;

/** Per-step records of a run, kept in primitive arrays (a few bytes per step): lr, momentum, loss, seconds. */
public final class StepLog {
  private double[] lr = new double[1024];
  private double[] momentum = new double[1024];
  private float[] loss = new float[1024];
  private float[] seconds = new float[1024];
  private int[] samples = new int[1024];
  private int size;

  void add(double stepLr, double stepMomentum, float stepLoss, float stepSeconds, int stepSamples) {
    if (size == lr.length) {
      int n = size * 2;
      lr = Arrays.copyOf(lr, n);
      momentum = Arrays.copyOf(momentum, n);
      loss = Arrays.copyOf(loss, n);
      seconds = Arrays.copyOf(seconds, n);
      samples = Arrays.copyOf(samples, n);
    }
    lr[size] = stepLr;
    momentum[size] = stepMomentum;
    loss[size] = stepLoss;
    seconds[size] = stepSeconds;
    samples[size] = stepSamples;
    size++;
  }

  public int size() {
    return size;
  }

  /** Every step's loss, in order (a copy). */
  public float[] losses() {
    return Arrays.copyOf(loss, size);
  }

  public double lr(int step) {
    return lr[step];
  }

  public double momentum(int step) {
    return momentum[step];
  }

  public float loss(int step) {
    return loss[step];
  }

  public float seconds(int step) {
    return seconds[step];
  }

  /** Mean loss of steps {@code [from, to)}. */
  double meanLoss(int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += loss[i];
    }
    return to > from ? sum / (to - from) : Double.NaN;
  }

  /** Training seconds and samples of steps {@code [from, to)}. */
  double seconds(int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += seconds[i];
    }
    return sum;
  }

  long samples(int from, int to) {
    long sum = 0;
    for (int i = from; i < to; i++) {
      sum += samples[i];
    }
    return sum;
  }

  /** CSV with header {@code step,lr,momentum,loss,samples_per_second}; momentum empty where none was set. */
  public void writeCsv(Writer out) throws IOException {
    out.write("step,lr,momentum,loss,samples_per_second\n");
    StringBuilder line = new StringBuilder(96);
    for (int i = 0; i < size; i++) {
      line.setLength(0);
      line.append(i).append(',').append(lr[i]).append(',');
      if (!Double.isNaN(momentum[i])) {
        line.append(momentum[i]);
      }
      line.append(',').append(loss[i]).append(',').append(Math.round(samples[i] / Math.max(1e-9, seconds[i])))
          .append('\n');
      out.write(line.toString());
    }
  }

  void write(DataOutputStream out) throws IOException {
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      out.writeDouble(lr[i]);
      out.writeDouble(momentum[i]);
      out.writeFloat(loss[i]);
      out.writeFloat(seconds[i]);
      out.writeInt(samples[i]);
    }
  }

  static StepLog read(DataInputStream in) throws IOException {
    StepLog log = new StepLog();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      log.add(in.readDouble(), in.readDouble(), in.readFloat(), in.readFloat(), in.readInt());
    }
    return log;
  }
}
