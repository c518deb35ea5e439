package org.clr4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --device: DJL's device names, a one-line error for a device this machine does not have. */
class DeviceOptionTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Clr4j.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void anAbsentGpuIsAOneLineInputError(@TempDir Path out) {
    String[] r = run("find", "--device", "gpu:7", "--out", out.toString());
    assertEquals("2", r[0], r[2]);
    assertEquals(1, r[2].strip().lines().count(), r[2]);
    assertTrue(r[2].contains("--device (gpu:7)"), r[2]);
  }

  @Test
  void anUnknownDeviceNameIsRefused(@TempDir Path out) {
    String[] r = run("train", "--device", "tpu", "--out", out.toString());
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("--device (tpu) must be cpu, gpu or gpu:N"), r[2]);
  }

  @Test
  void theCpuTrains(@TempDir Path out) {
    String[] r = run("find", "--device", "cpu", "--range-steps", "10", "--eval-every", "0", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("chosen ("), r[1]);
  }
}
