package org.clr4j.djl.optim;

import org.clr4j.schedule.Schedule;

/**
 * PyTorch's update equations (torch.optim.SGD, Adam, AdamW, single-tensor code path) in float64, written out
 * independently of the optimizers under test. Step t (0-based) uses lr = schedule.valueAt(t) and momentum/beta1 =
 * schedule.momentumAt(t) where it is a number, else the configured one.
 */
final class Reference {
  private Reference() {}

  static final class Config {
    double momentum;
    boolean nesterov;
    double weightDecay;
    double clip; // 0: off
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
  }

  static double[] sgd(float[] w0, float[][] grads, Schedule s, Config c) {
    double[] w = toDouble(w0);
    double[] buf = null;
    for (int t = 0; t < grads.length; t++) {
      double lr = s.valueAt(t);
      double m = momentum(s, t, c.momentum);
      double[] g = clip(grads[t], c.clip);
      for (int i = 0; i < w.length; i++) {
        g[i] += c.weightDecay * w[i];
      }
      double[] d = g;
      if (c.momentum != 0) {
        if (buf == null) {
          buf = g.clone();
        } else {
          for (int i = 0; i < w.length; i++) {
            buf[i] = m * buf[i] + g[i];
          }
        }
        d = new double[w.length];
        for (int i = 0; i < w.length; i++) {
          d[i] = c.nesterov ? g[i] + m * buf[i] : buf[i];
        }
      }
      for (int i = 0; i < w.length; i++) {
        w[i] -= lr * d[i];
      }
    }
    return w;
  }

  static double[] adam(float[] w0, float[][] grads, Schedule s, Config c, boolean decoupled) {
    double[] w = toDouble(w0);
    double[] m = new double[w.length];
    double[] v = new double[w.length];
    for (int t = 0; t < grads.length; t++) {
      int step = t + 1;
      double lr = s.valueAt(t);
      double b1 = momentum(s, t, c.beta1);
      double[] g = clip(grads[t], c.clip);
      for (int i = 0; i < w.length; i++) {
        if (decoupled) {
          w[i] *= 1 - lr * c.weightDecay;
        } else {
          g[i] += c.weightDecay * w[i];
        }
      }
      double bc1 = 1 - Math.pow(b1, step);
      double bc2 = 1 - Math.pow(c.beta2, step);
      for (int i = 0; i < w.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = c.beta2 * v[i] + (1 - c.beta2) * g[i] * g[i];
        double denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + c.eps;
        w[i] -= lr / bc1 * m[i] / denom;
      }
    }
    return w;
  }

  private static double momentum(Schedule s, long t, double fallback) {
    double m = s.momentumAt(t);
    return Double.isNaN(m) ? fallback : m;
  }

  private static double[] clip(float[] g, double clip) {
    double[] out = toDouble(g);
    if (clip > 0) {
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.max(-clip, Math.min(clip, out[i]));
      }
    }
    return out;
  }

  static double[] toDouble(float[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}
