#!/usr/bin/env bash
# SLURM template: run one septa scenario on N ranks.
#   sbatch --ntasks=32 cluster/slurm_job.sh params/compression.prm
#SBATCH --job-name=septa
#SBATCH --time=02:00:00
#SBATCH --output=septa-%j.log
set -euo pipefail
PRM=${1:?usage: sbatch cluster/slurm_job.sh FILE.prm}
cd "${SLURM_SUBMIT_DIR:-.}"
srun build/septa "$PRM"
