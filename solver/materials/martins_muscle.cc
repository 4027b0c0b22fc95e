#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

#include <cmath>

namespace septa
{
  /**
   * Passive skeletal muscle, transversely isotropic (Martins, Pires,
   * Salvado, Dinis 1998, Comput Methods Appl Mech Eng 151:419):
   *   W = c (exp(b (I1_bar - 3)) - 1) + A (exp(a (I4_bar - 1)^2) - 1) + U,
   * the fibre term acting in fibre extension only (I4_bar > 1).  Fibres
   * follow the layer's 'Fibre direction'.  Small-strain shear modulus
   * mu = 2 b c.  Contracts along the fibres with the active stress of
   * ActiveFibreStress (subsection 'Activation').
   */
  class MartinsMuscle : public FibreMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("c",
                        "387",
                        dealii::Patterns::Double(0.0),
                        "Matrix coefficient c in Pa (> 0).");
      prm.declare_entry("b",
                        "23.46",
                        dealii::Patterns::Double(0.0),
                        "Matrix exponent b (dimensionless, > 0).");
      prm.declare_entry("A",
                        "584",
                        dealii::Patterns::Double(0.0),
                        "Fibre coefficient A in Pa (>= 0).");
      prm.declare_entry("a",
                        "12.43",
                        dealii::Patterns::Double(0.0),
                        "Fibre exponent a (dimensionless, >= 0).");
      declare_volumetric(prm);
      declare_active(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      c  = get_positive(prm, "c", where, "Pa");
      b  = get_positive(prm, "b", where, "");
      A  = get_positive(prm, "A", where, "Pa", true);
      af = get_positive(prm, "a", where, "", true);
      parse_volumetric(prm, where);
      parse_active(prm, where);
    }

    double
    shear_modulus() const override
    {
      return 2.0 * b * c;
    }

  protected:
    unsigned int
    n_families() const override
    {
      return 1;
    }

    Derivatives
    derivatives(const double I1, const double I4[2]) const override
    {
      Derivatives  d;
      const double e1 = std::exp(b * (I1 - 3.0));
      d.W             = c * (e1 - 1.0);
      d.W1            = c * b * e1;
      d.W11           = c * b * b * e1;
      const double x  = I4[0] - 1.0;
      if (x > 0.0)
        {
          const double e4 = std::exp(af * x * x);
          d.W += A * (e4 - 1.0);
          d.W4[0]  = 2.0 * A * af * x * e4;
          d.W44[0] = 2.0 * A * af * (1.0 + 2.0 * af * x * x) * e4;
        }
      return d;
    }

  private:
    double c = 0, b = 0, A = 0, af = 0;
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        MartinsMuscle,
                        "Martins muscle",
                        "Passive skeletal muscle of Martins et al. 1998, "
                        "transversely isotropic, isochoric/volumetric split.")
} // namespace septa
