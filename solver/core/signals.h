#pragma once

#include <mpi.h>

namespace septa
{
  /**
   * SIGTERM and SIGUSR1, what Slurm and PBS send before a time limit
   * (sbatch --signal=USR1@120) or a preemption: the handler only records
   * the signal; the run checks at safe points, writes a checkpoint and
   * exits with stop_exit_code.
   */
  namespace signals
  {
    /// Exit code of a run stopped by a signal after its checkpoint
    /// (EX_TEMPFAIL of sysexits.h: try again later, with --resume).
    constexpr int stop_exit_code = 75;

    void
    install();

    /// The signal received on any rank (0: none); collective.
    int
    received(MPI_Comm comm);
  } // namespace signals
} // namespace septa
