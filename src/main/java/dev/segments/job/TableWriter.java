package dev.segments.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a run's table writes on a few threads: each Delta commit is mostly driver-side log work, so
 * overlapping them shortens a run without competing much for executors. A write may start early
 * (the transactions table, as soon as the clean lines are known) and then runs beside the
 * per-customer stages, whose k-means and CLV fits leave the cores idle between small jobs. Closing
 * before {@link #awaitAll} (a failed run) cancels what is still running and waits for it, so no
 * write outlives the run.
 */
final class TableWriter implements AutoCloseable {
  private static final int THREADS = 6;

  /** One table's write; {@code action} commits it. */
  record Write(String table, Runnable action) {}

  private final SparkSession spark;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
  private final List<Write> started = new ArrayList<>();
  private final List<Future<?>> pending = new ArrayList<>();
  private boolean finished;

  TableWriter(SparkSession spark) {
    this.spark = spark;
  }

  /** Starts a write now. */
  void start(Write write) {
    started.add(write);
    pending.add(
        pool.submit(
            () -> {
              spark.sparkContext().setJobGroup(CrashPoints.writeGroup(write.table()), "segments: write " + write.table(), false);
              try {
                write.action().run();
              } finally {
                spark.sparkContext().clearJobGroup();
              }
              CrashPoints.at("after-write:" + write.table());
            }));
  }

  /**
   * Starts these writes and waits for every write started so far; the tables written, in the order
   * they were started. The first failure wins.
   */
  List<String> awaitAll(List<Write> writes) {
    writes.forEach(this::start);
    List<String> written = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      try {
        pending.get(i).get();
        written.add(started.get(i).table());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing tables", e);
      }
    }
    finished = true;
    return written;
  }

  @Override
  public void close() {
    if (!finished) {
      for (Write write : started) {
        spark.sparkContext().cancelJobGroup(CrashPoints.writeGroup(write.table()));
      }
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
