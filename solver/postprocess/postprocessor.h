#pragma once

#include <core/assembler.h>
#include <core/newton.h>

#include <deal.II/fe/fe_values.h>
#include <deal.II/numerics/data_out.h>

#include <functional>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace septa
{
  /// What a postprocessor may read at an output time.
  struct OutputContext
  {
    const Discretization  &d;
    const RunParameters   &run;
    const Constitutive    &constitutive;
    const QuadratureState &points;
    const SolutionState   &x;
    /// Its full_residual belongs to x (Newton's last residual evaluation
    /// is at the converged solution).
    const Assembler &assembler;
    double           time = 0, dt = 0;
    NewtonStatistics newton;
  };

  /**
   * One contributor to the output: columns of statistics.csv and, if it
   * has any, fields of the PVTU files.  Each subsystem brings its own (a
   * contact load its forces, a refinement its cell counts), so the writer
   * knows no column by name.
   */
  class Postprocessor
  {
  public:
    virtual ~Postprocessor() = default;

    /// Names of the columns, on the current mesh.
    virtual std::vector<std::string>
    columns() const = 0;

    /// Values of the columns at the state in @p c (collective: every rank
    /// calls it; rank 0's values are written).
    virtual void
    values(const OutputContext &c, std::vector<double> &values) = 0;

    /// Add fields computed by the last values() call.
    virtual void
    add_fields(DataOut<3> &data_out) const
    {
      (void)data_out;
    }

    /// The mesh changed: forget cells and DoFs.
    virtual void
    mesh_changed()
    {
    }
  };

  /**
   * Calls @p visit(cell, face, fe_face_values, un) for every locally owned
   * face on the boundary ids @p ids, after reinit: un[q] = u . N, the
   * displacement of @p ghosted along the reference outward normal at the
   * face's quadrature points (whose reference positions and areas
   * fe_face_values holds).  What the surface columns and the roughness
   * measure.
   */
  void
  for_each_surface_face(
    const Discretization                                   &d,
    const PETScWrappers::MPI::Vector                       &ghosted,
    const std::set<types::boundary_id>                     &ids,
    const std::function<void(const DoFHandler<3>::active_cell_iterator &,
                             unsigned int,
                             const FEFaceValues<3> &,
                             const std::vector<double> &)> &visit);

  /// The columns and fields of every run, in the order of statistics.csv:
  /// step (time, iterations), reactions, probes, layers (strains, volumes,
  /// activation, and the stress and strain fields), surfaces, roughness,
  /// mesh.
  std::vector<std::unique_ptr<Postprocessor>>
  standard_postprocessors(const Discretization &d, const RunParameters &run);

  std::unique_ptr<Postprocessor>
  make_step_columns();
  std::unique_ptr<Postprocessor>
  make_reaction_columns(const Discretization &d);
  std::unique_ptr<Postprocessor>
  make_probe_columns(const Discretization &d, const RunParameters &run);
  std::unique_ptr<Postprocessor>
  make_layer_statistics(const Discretization &d, const RunParameters &run);
  std::unique_ptr<Postprocessor>
  make_surface_columns(const Discretization &d, const RunParameters &run);
  std::unique_ptr<Postprocessor>
  make_roughness_columns(const Discretization &d, const RunParameters &run);
  std::unique_ptr<Postprocessor>
  make_mesh_columns(const Discretization &d);
} // namespace septa
