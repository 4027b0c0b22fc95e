#pragma once

#include <core/constitutive.h>
#include <core/time_stepper.h>
#include <postprocess/output.h>

#include <string>

namespace septa
{
  /// Version written into checkpoints; a checkpoint of another format is
  /// refused.
  constexpr const char *septa_version = "0.3";
  // 2: contact state without the direction of sliding.
  constexpr int checkpoint_format = 2;

  /**
   * Checkpoints of a run: the distributed mesh (p4est's own files), the
   * displacements (SolutionTransfer) and the local fields and
   * quadrature-point histories of every cell (CellDataTransfer), attached
   * to the mesh so that a run resumes on any number of ranks; plus the
   * stepping state, statistics.csv and the PVD series up to the step.  Each
   * is written into step-NNNNNN.tmp and renamed, and only the last two are
   * kept, so the newest complete checkpoint survives a kill at any moment.
   */
  class Checkpoint
  {
  public:
    Checkpoint(Discretization      &d,
               const RunParameters &run,
               QuadratureState     &points,
               SolutionState       &x,
               Output              &output);

    /// Write a checkpoint of the committed state (collective); returns its
    /// folder.
    std::string
    save(const StepperState &state);

    /// A run that starts afresh: remove the step-NNNNNN checkpoints of an
    /// earlier run in the checkpoint folder (its output files are being
    /// overwritten, so they no longer belong to them); returns how many.
    unsigned int
    remove_stale() const;

    /// The checkpoint @p folder names: itself if it is one, else the newest
    /// step-NNNNNN in it.  InputError (naming the folder) if there is none.
    static std::string
    locate(const std::string &folder);

    /// Read the stepping state of checkpoint @p folder; InputError if it
    /// belongs to another model or format.
    StepperState
    read_state(const std::string &folder) const;

    /// Load the mesh of @p folder into the triangulation, which holds the
    /// coarse mesh of the geometry.
    void
    load_mesh(const std::string &folder);

    /// After the DoFs are distributed on the loaded mesh: displacements,
    /// local fields, histories and the output files.
    void
    load_state(const std::string &folder);

  private:
    Discretization      &d;
    const RunParameters &run;
    QuadratureState     &points;
    SolutionState       &x;
    Output              &output;
  };
} // namespace septa
