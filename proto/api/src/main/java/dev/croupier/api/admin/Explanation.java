package dev.croupier.api.admin;

import dev.croupier.api.JobState;
import java.util.Objects;

/**
 * Why a job is where it is: its state and the one constraint that holds it now.
 *
 * @param jobId the job
 * @param tenant its tenant
 * @param function its function
 * @param state its state
 * @param reason what holds it (or, for a running or finished job, what it is doing or did)
 */
public record Explanation(String jobId, String tenant, String function, JobState state, Reason reason) {

  /** Checks the fields. */
  public Explanation {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
  }

  /** One line for a human, e.g. "waiting for key provider=acme: 5 of 5 in use". */
  public String message() {
    return reason.message();
  }
}
