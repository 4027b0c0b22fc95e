#!/usr/bin/env bash
# SLURM template: run one septa scenario on N ranks, stop cleanly before the
# time limit and continue in the next job.
#   sbatch --ntasks=32 cluster/slurm_job.sh params/compression.prm [CHECKPOINTS]
# CHECKPOINTS is the scenario's checkpoint folder (default: the 'Checkpoint/
# Directory' of the .prm, <Output/Directory>/checkpoints when empty).  Two
# minutes before the limit Slurm sends SIGUSR1 to every rank: septa writes
# a checkpoint and exits with 75; submit the same command again and it
# resumes from the newest checkpoint (on any number of ranks).
#SBATCH --job-name=septa
#SBATCH --time=02:00:00
#SBATCH --signal=USR1@120
#SBATCH --output=septa-%j.log
set -euo pipefail
PRM=${1:?usage: sbatch cluster/slurm_job.sh FILE.prm [CHECKPOINTS]}
cd "${SLURM_SUBMIT_DIR:-.}"
if [ -z "${2:-}" ]; then
  # The checkpoint folder the .prm asks for (last 'set' wins, as in septa).
  CKPT=$(awk '/subsection Checkpoint/{c=1} c&&/set Directory/{sub(/.*= */,"");d=$0} c&&/^end/{c=0} END{print d}' "$PRM")
  OUT=$(awk '/subsection Output/{c=1} c&&/set Directory/{sub(/.*= */,"");d=$0} c&&/^end/{c=0} END{print d}' "$PRM")
  CKPT=${CKPT:-${OUT:-output}/checkpoints}
else
  CKPT=$2
fi
ARGS=("$PRM")
if compgen -G "$CKPT/step-[0-9]*" > /dev/null; then
  ARGS+=(--resume "$CKPT")
fi
set +e
srun build/septa "${ARGS[@]}"
rc=$?
set -e
if [ "$rc" -eq 75 ]; then
  echo "septa stopped before the time limit with a checkpoint in $CKPT;" \
       "submit again to continue: sbatch $0 $PRM $CKPT"
fi
exit "$rc"
