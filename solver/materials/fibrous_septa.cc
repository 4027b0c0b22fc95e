#include <core/input_error.h>
#include <core/registry.h>
#include <materials/isochoric_material.h>

namespace septa
{
  /**
   * Fibrous septa (the collagen bands that partition subcutaneous fat): a
   * soft neo-Hookean ground matrix reinforced by one or two families of
   * collagen fibres that carry tension only,
   *   W = mu/2 (I1_bar - 3) + sum_f E_f/8 (I4_bar^(f) - 1)^2 [I4_bar > 1] + U,
   * so that a fibre stretched by a small strain eps carries E_f eps: E_f is
   * the fibre's Young's modulus.  No direct measurement of septa stiffness
   * was found in the literature (their anatomy: Nurnberger & Muller 1978,
   * J Dermatol Surg Oncol 4:221; only a failure force: Rudolph et al. 2019,
   * Plast Reconstr Surg 143:1077): the defaults treat them as a stiff
   * fibrous tissue, E_f = 1 MPa, mu = 10 kPa (order of MPa, 10 x skin's
   * matrix); fibres follow the layer's 'Fibre direction' (within the
   * septum plane) and, for criss-crossing septa, 'Second fibre direction'.
   */
  class FibrousSepta : public FibreMaterial
  {
  public:
    static void
    declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("Shear modulus",
                        "10e3",
                        dealii::Patterns::Double(0.0),
                        "Ground-matrix shear modulus mu in Pa (> 0).");
      prm.declare_entry("Fibre modulus",
                        "1e6",
                        dealii::Patterns::Double(0.0),
                        "Young's modulus E_f of the collagen fibres in Pa "
                        "(>= 0; septa: order of MPa, no direct measurement).");
      prm.declare_entry("Fibre families",
                        "1",
                        dealii::Patterns::Integer(1, 2),
                        "1 or 2 fibre families.");
      declare_volumetric(prm);
    }

    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const std::string        &where) override
    {
      mu       = get_positive(prm, "Shear modulus", where, "Pa");
      E        = get_positive(prm, "Fibre modulus", where, "Pa", true);
      families = prm.get_integer("Fibre families");
      parse_volumetric(prm, where);
    }

    double
    shear_modulus() const override
    {
      return mu;
    }

  protected:
    unsigned int
    n_families() const override
    {
      return families;
    }

    Derivatives
    derivatives(const double I1, const double I4[2]) const override
    {
      Derivatives d;
      d.W  = 0.5 * mu * (I1 - 3.0);
      d.W1 = 0.5 * mu;
      for (unsigned int f = 0; f < families; ++f)
        if (I4[f] > 1.0)
          {
            d.W += E / 8.0 * (I4[f] - 1.0) * (I4[f] - 1.0);
            d.W4[f]  = E / 4.0 * (I4[f] - 1.0);
            d.W44[f] = E / 4.0;
          }
      return d;
    }

  private:
    double       mu = 0, E = 0;
    unsigned int families = 1;
  };

  SEPTA_REGISTER_PLUGIN(Material,
                        FibrousSepta,
                        "fibrous septa",
                        "Stiff collagen septa: neo-Hookean matrix with "
                        "tension-only fibres of Young's modulus E_f.")
} // namespace septa
